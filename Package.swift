// swift-tools-version:6.0
// libazaudio: a Swift engine behind a stable C ABI (include/azaudio.h).
// Build the shared library with `make` (it adds the SONAME and the export list); `swift build` alone is for
// development.
import PackageDescription

let package = Package(
    name: "azaudio",
    products: [
        .library(name: "azaudio", type: .dynamic, targets: ["AzAudio"])
    ],
    targets: [
        // libcurl plus a tiny shim: typed wrappers for curl's variadic functions, the share-handle locks, and whether
        // curl's OpenSSL (the libssl libcurl loads) holds bytes of a WebSocket's TLS connection.
        .target(
            name: "CCurl",
            path: "Sources/CCurl",
            linkerSettings: [.linkedLibrary("curl"), .linkedLibrary("ssl")]
        ),
        // OpenSSL's HMAC-SHA256 and constant-time compare (webhook signatures), from the libcrypto libcurl loads.
        .target(
            name: "CCrypto",
            path: "Sources/CCrypto",
            linkerSettings: [.linkedLibrary("crypto")]
        ),
        // The bulk of base64 both ways, sixteen characters at a time with SSSE3 or SSE2 (realtime audio's encoding).
        .target(name: "CBase64", path: "Sources/CBase64"),
        // The Linux calls Swift's Glibc module lacks (eventfd, epoll for the event loop) and thread naming.
        .target(name: "CLinux", path: "Sources/CLinux"),
        // libsndfile (Debian's libsndfile1-dev): decodes WAV/FLAC/MP3/Ogg and encodes the FLAC pieces of long audio.
        .systemLibrary(name: "CSndFile", path: "Sources/CSndFile", pkgConfig: "sndfile"),
        // Imports the public header include/azaudio.h into Swift, so `@c @implementation` checks every export.
        .systemLibrary(name: "CAzAudio", path: "Sources/CAzAudio"),
        // The engine: pure Swift, no C ABI concerns.
        .target(
            name: "AzAudioCore",
            dependencies: ["CBase64", "CCurl", "CCrypto", "CLinux", "CSndFile"]
        ),
        // The C ABI layer only.
        .target(
            name: "AzAudio",
            dependencies: ["AzAudioCore", "CAzAudio"],
            linkerSettings: [
                .unsafeFlags([
                    "-static-stdlib",
                    "-Xlinker", "--version-script=abi/exports.map",
                    "-Xlinker", "-soname=libazaudio.so.0",
                ])
            ]
        ),
        .testTarget(name: "AzAudioCoreTests", dependencies: ["AzAudioCore", "CBase64"]),
    ]
)
