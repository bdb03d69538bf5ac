// swift-tools-version: 6.0
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// Release links: the executable's symbols are not exported (the Swift driver's -export-dynamic for
// a static standard library), and libstdc++ is linked statically when .ci/build-release.sh has put
// libstdc++.a in .build/static-libstdcxx (searched before the compiler's folder, which holds the
// shared one). The dynamic linker then resolves a third as many symbols at start-up. The toolchain's
// lld links, with relative relocations packed (RELR, glibc 2.36, which the binary needs anyway):
// 113,000 relocation entries become a 22 KB bitmap, and a run starts about 1 ms sooner.
let releaseLinking: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld", "-Xlinker", "--no-export-dynamic", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
            "-L\(Context.packageDirectory)/.build/static-libstdcxx",
        ], .when(configuration: .release))
]

let package = Package(
    name: "TrailProof",
    products: [
        .library(name: "TrailProof", targets: ["TrailProof"]),
        .executable(name: "trailproof", targets: ["trailproof"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSLCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "CBuildInfo"),
        .target(name: "CHeapTuning"),
        .target(name: "CSystemCalls"),
        .target(
            name: "TrailProof",
            dependencies: [
                "CBuildInfo", "COpenSSLCrypto", "CSystemCalls", "CZlib", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Reporting/Schemas"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "trailproof",
            dependencies: [
                "TrailProof", "CHeapTuning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings,
            linkerSettings: releaseLinking
        ),
        .testTarget(
            name: "TrailProofTests",
            dependencies: ["TrailProof", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
    ]
)
