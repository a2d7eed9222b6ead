import AzAudioCore
import CAzAudio

nonisolated(unsafe) private let versionText = StaticCString.make(LibraryVersion.string)

@c @implementation
public func azaudio_version_number() -> UInt32 {
    LibraryVersion.number
}

@c @implementation
public func azaudio_version_string() -> UnsafePointer<CChar>! {
    versionText
}
