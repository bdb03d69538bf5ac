#ifndef TRAILPROOF_COPENSSLCRYPTO_SHIM_H
#define TRAILPROOF_COPENSSLCRYPTO_SHIM_H

/* Keep every call on the OpenSSL 3 EVP API: deprecated RSA_* and friends do not even compile. */
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED 1

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/decoder.h>

#endif
