/// A sideband session of a SIP call the service answered (AZURE-AUDIO-2026.md section 5): the application
/// controls the call over `wss://{endpoint}/openai/v1/realtime?call_id={call_id}` with the ordinary realtime
/// events, while the call's audio flows between the caller and the service and never reaches the application.
///
/// So: no audio formats are sent in session.update (the call's media decides them, and the confirmed formats are
/// not checked), there is no playback to cut (the server owns it: barge-in is `response.cancel` then
/// `output_audio_buffer.clear`), and no reconnect (a replay would repeat the call's conversation inside it).
enum SidebandCall {
    static func url(callID: String, endpoint: ServiceEndpoint) -> ServiceURL {
        endpoint.url(
            path: "/openai/v1/realtime", query: "call_id=\(APIFamily.percentEncodePathSegment(callID))",
            webSocket: true)
    }

    static func validate(_ options: RealtimeSessionOptions) throws(AzError) {
        guard let callID = options.callID else { return }
        guard !callID.isEmpty, callID.count <= 256,
            callID.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw .invalidArgument("call_id '\(callID.prefix(80))' is not a call id such as rtc_... from the webhook")
        }
        guard options.kind.isConversation else {
            throw .invalidArgument("call_id attaches a conversation session to a call: leave session_kind 0")
        }
        guard !options.protocolKind.isPreview else {
            throw .invalidArgument("a sideband session (call_id) exists only in the GA realtime protocol")
        }
        guard options.reconnectMaxAttempts == 0 else {
            throw .invalidArgument(
                "reconnect_max_attempts is \(options.reconnectMaxAttempts); a sideband session (call_id) is not "
                    + "reconnected (a replay would repeat the call's conversation): leave it 0")
        }
        guard options.callerInput == nil, options.callerOutput == nil else {
            throw .invalidArgument(
                "caller_input_format / caller_output_format do not apply to a sideband session (call_id): "
                    + "the call's audio never reaches the application")
        }
    }
}

extension RealtimeSession {
    /// `output_audio_buffer.clear`: drops the reply audio the server has not played yet. Only a sideband session
    /// has a server-side playout; over an ordinary session the application plays the audio itself.
    public func clearOutputAudio() throws(AzError) {
        guard options.callID != nil else {
            throw AzError(
                .invalidState,
                "output_audio_buffer.clear is for sideband sessions of a call (options.call_id): over a WebSocket "
                    + "session the application plays the audio; drop it locally and truncate instead")
        }
        try send(json: RealtimeClientEvents.clearOutputAudio)
    }
}
