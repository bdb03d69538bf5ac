// The machine's limit for what validate-logs does per log file: read it, gunzip it (zlib) and
// SHA-256 the result (OpenSSL EVP), on THREADS threads taking files from one shared list.
//   cc -O2 -o reference bench/reference.c -lz -lcrypto -lpthread
//   reference THREADS FILE-LIST      (one path per line; prints the seconds taken)
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

static char **paths;
static size_t count;
static atomic_size_t next_path;
static atomic_int failures;

static void *work(void *unused) {
    (void)unused;
    unsigned char *in = malloc(256 * 1024), *out = malloc(256 * 1024);
    EVP_MD_CTX *sha = EVP_MD_CTX_new();
    for (size_t i; (i = atomic_fetch_add(&next_path, 1)) < count;) {
        int fd = open(paths[i], O_RDONLY);
        if (fd < 0) { atomic_fetch_add(&failures, 1); continue; }
        z_stream z;
        memset(&z, 0, sizeof z);
        inflateInit2(&z, 16 + MAX_WBITS);
        EVP_DigestInit_ex(sha, EVP_sha256(), NULL);
        ssize_t n;
        int status = Z_OK;
        while (status != Z_STREAM_END && (n = read(fd, in, 256 * 1024)) > 0) {
            z.next_in = in;
            z.avail_in = (uInt)n;
            while (z.avail_in > 0 && status != Z_STREAM_END) {
                z.next_out = out;
                z.avail_out = 256 * 1024;
                status = inflate(&z, Z_NO_FLUSH);
                if (status != Z_OK && status != Z_STREAM_END) { atomic_fetch_add(&failures, 1); break; }
                EVP_DigestUpdate(sha, out, 256 * 1024 - z.avail_out);
            }
            if (status != Z_OK && status != Z_STREAM_END) break;
        }
        unsigned char digest[32];
        unsigned int length;
        EVP_DigestFinal_ex(sha, digest, &length);
        inflateEnd(&z);
        close(fd);
    }
    EVP_MD_CTX_free(sha);
    free(in);
    free(out);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: reference THREADS FILE-LIST\n"); return 2; }
    int threads = atoi(argv[1]);
    FILE *list = fopen(argv[2], "r");
    if (!list) { perror(argv[2]); return 2; }
    size_t capacity = 1024;
    paths = malloc(capacity * sizeof *paths);
    char line[4096];
    while (fgets(line, sizeof line, list)) {
        line[strcspn(line, "\n")] = 0;
        if (count == capacity) paths = realloc(paths, (capacity *= 2) * sizeof *paths);
        paths[count++] = strdup(line);
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pthread_t pool[64];
    for (int t = 0; t < threads && t < 64; t++) pthread_create(&pool[t], NULL, work, NULL);
    for (int t = 0; t < threads && t < 64; t++) pthread_join(pool[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (failures) { fprintf(stderr, "reference: %d files failed\n", failures); return 1; }
    printf("%.4f\n", (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
    return 0;
}
