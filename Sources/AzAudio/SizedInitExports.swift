import AzAudioCore
import CAzAudio

// The sized inits behind AZAUDIO_INIT(kind, &x): each writes its struct's defaults into min(size, sizeof) bytes
// (SizedStructABI.initialize), so a program built against an older header, whose struct is smaller, is never
// overrun by a newer library. The unsized azaudio_X_init() functions stay for programs already built.

@c @implementation
public func azaudio_client_options_init_sized(
    _ options: UnsafeMutablePointer<azaudio_client_options>!, _ size: Int
) -> azaudio_result {
    ClientOptionsABI.initialize(options, size: size, function: "azaudio_client_options_init_sized")
}

@c @implementation
public func azaudio_wav_info_init_sized(
    _ info: UnsafeMutablePointer<azaudio_wav_info>!, _ size: Int
)
    -> azaudio_result
{
    WAVInfoABI.initialize(info, size: size, argument: "info", function: "azaudio_wav_info_init_sized")
}

@c @implementation
public func azaudio_transcription_options_init_sized(
    _ options: UnsafeMutablePointer<azaudio_transcription_options>!, _ size: Int
) -> azaudio_result {
    TranscriptionOptionsABI.initialize(options, size: size, function: "azaudio_transcription_options_init_sized")
}

@c @implementation
public func azaudio_translation_options_init_sized(
    _ options: UnsafeMutablePointer<azaudio_translation_options>!, _ size: Int
) -> azaudio_result {
    TranslationOptionsABI.initialize(options, size: size, function: "azaudio_translation_options_init_sized")
}

@c @implementation
public func azaudio_speech_options_init_sized(
    _ options: UnsafeMutablePointer<azaudio_speech_options>!, _ size: Int
) -> azaudio_result {
    SpeechOptionsABI.initialize(options, size: size, function: "azaudio_speech_options_init_sized")
}

@c @implementation
public func azaudio_chat_options_init_sized(
    _ options: UnsafeMutablePointer<azaudio_chat_options>!, _ size: Int
) -> azaudio_result {
    ChatOptionsABI.initialize(options, size: size, function: "azaudio_chat_options_init_sized")
}

@c @implementation
public func azaudio_realtime_options_init_sized(
    _ options: UnsafeMutablePointer<azaudio_realtime_options>!, _ size: Int
) -> azaudio_result {
    RealtimeOptionsABI.initialize(options, size: size, function: "azaudio_realtime_options_init_sized")
}

@c @implementation
public func azaudio_call_accept_options_init_sized(
    _ options: UnsafeMutablePointer<azaudio_call_accept_options>!, _ size: Int
) -> azaudio_result {
    CallAcceptOptionsABI.initialize(options, size: size, function: "azaudio_call_accept_options_init_sized")
}

@c @implementation
public func azaudio_realtime_response_options_init_sized(
    _ options: UnsafeMutablePointer<azaudio_realtime_response_options>!, _ size: Int
) -> azaudio_result {
    ResponseOptionsABI.initialize(options, size: size, function: "azaudio_realtime_response_options_init_sized")
}
