extension RealtimeSessionKind {
    /// A transcription or translation session has no responses, voice or tools: the options only a conversation
    /// uses are refused by name instead of being dropped silently. "Set" is what the engine's options say: a value
    /// present (nil is unset, so a 0 the caller chose is still a choice), a flag on, an output format other than
    /// the default PCM16.
    func refuseConversationOnly(_ config: RealtimeSessionConfig, callID: String?) throws(AzError) {
        if isConversation { return }
        if case .transcription = self, config.transcriptionDeployment != nil {
            throw .invalidArgument(
                "options->input_transcription_deployment is not used by a transcription session: its transcribing "
                    + "deployment is options->deployment")
        }
        let set = Self.conversationOnlyFieldsSet(config, callID: callID)
        guard set.isEmpty else {
            throw .invalidArgument(
                "options->\(set.joined(separator: ", ")) \(set.count == 1 ? "is" : "are") for conversation sessions "
                    + "only; a \(name) session has no responses, voice or tools: leave "
                    + "\(set.count == 1 ? "it" : "them") unset")
        }
    }

    /// The C names of the conversation-only options that are set, in the header's order.
    static func conversationOnlyFieldsSet(_ c: RealtimeSessionConfig, callID: String?) -> [String] {
        let fields: [(String, Bool)] = [
            ("instructions", c.instructions != nil),
            ("voice", c.voice != nil),
            ("tools_json", c.toolsJSON != nil),
            ("tool_choice", c.toolChoice != nil),
            ("text_only", c.textOnly),
            ("temperature", c.temperature != nil),
            ("max_output_tokens", c.maxOutputTokens != nil),
            ("output_audio_format", c.outputFormat != .pcm16),
            ("idle_timeout_ms", c.ga.idleTimeoutMs != nil),
            ("reasoning_effort", c.ga.reasoningEffort != nil),
            ("truncation", c.ga.truncation != nil),
            ("output_speed", c.ga.speed != nil),
            ("parallel_tool_calls", c.ga.parallelToolCalls != nil),
            ("call_id", callID != nil),
        ]
        return fields.filter(\.1).map(\.0)
    }
}
