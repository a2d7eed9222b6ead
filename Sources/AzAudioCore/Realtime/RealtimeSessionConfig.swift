/// How a realtime session should behave: turned into the `session.update` event of either protocol.
public struct RealtimeSessionConfig: Sendable, Equatable {
    public enum TurnDetection: Sendable, Equatable {
        /// Voice activity detection by the server. nil fields are left to the service's defaults.
        case serverVAD(
            threshold: Double?, prefixPaddingMs: Int?, silenceDurationMs: Int?, createResponse: Bool,
            interruptResponse: Bool)
        /// Turn ends when the model judges the user finished; eagerness "low", "medium", "high" or "auto".
        case semanticVAD(eagerness: String?, createResponse: Bool, interruptResponse: Bool)
        /// No turn detection: the caller commits the input buffer and asks for responses.
        case none
    }

    public var instructions: String?
    public var voice: String?
    public var inputFormat: AudioFormat = .pcm16
    public var outputFormat: AudioFormat = .pcm16
    /// The deployment (on Azure, not a model name) that transcribes the caller's audio; nil: no transcription.
    public var transcriptionDeployment: String?
    public var transcriptionLanguage: String?
    public var turnDetection: TurnDetection = .serverVAD(
        threshold: nil, prefixPaddingMs: nil, silenceDurationMs: nil, createResponse: true, interruptResponse: true)
    /// A JSON array of tool definitions, sent as is.
    public var toolsJSON: String?
    public var toolChoice: String?
    /// Preview protocol only (GA has no temperature); nil: the service's default.
    public var temperature: Double?
    /// nil: unlimited ("inf").
    public var maxOutputTokens: Int?
    /// Respond with text only instead of audio plus transcript.
    public var textOnly = false
    /// The GA protocol's typed settings (noise reduction, idle timeout, reasoning, truncation, speed, ...).
    public var ga = RealtimeGASettings()
    /// A sideband session of a SIP call: the call's media decides the audio formats, so none are sent.
    public var omitsAudioFormats = false

    public init() {}

    /// Checks values the service would reject, before anything is sent.
    public func validate(protocol kind: RealtimeProtocol) throws(AzError) {
        for (name, format) in [("input_audio_format", inputFormat), ("output_audio_format", outputFormat)] {
            guard format == .pcm16 || format == .ulaw || format == .alaw else {
                throw .invalidArgument("\(name) must be PCM16, mu-law or A-law: the session speaks no other format")
            }
        }
        if let t = temperature {
            guard kind.isPreview else {
                throw .invalidArgument("temperature is not part of the GA realtime protocol: leave it unset")
            }
            guard t >= 0.6 && t <= 1.2 else { throw .invalidArgument("temperature \(t) is outside 0.6 ... 1.2") }
        }
        if let m = maxOutputTokens, !(1...4096).contains(m) {
            throw .invalidArgument("max_output_tokens \(m) is outside 1 ... 4096 (0 means unlimited)")
        }
        if case .serverVAD(let threshold, let prefix, let silence, _, _) = turnDetection {
            if let threshold, !(0...1).contains(threshold) {
                throw .invalidArgument("vad_threshold \(threshold) is outside 0 ... 1")
            }
            if let prefix, prefix < 0 { throw .invalidArgument("vad_prefix_padding_ms must not be negative") }
            if let silence, silence < 0 { throw .invalidArgument("vad_silence_duration_ms must not be negative") }
        }
        if case .semanticVAD(let eagerness?, _, _) = turnDetection,
            !["low", "medium", "high", "auto"].contains(eagerness)
        {
            throw .invalidArgument("semantic VAD eagerness '\(eagerness)' is not low, medium, high or auto")
        }
        if let tools = toolsJSON {
            guard case .array? = try? JSONParser.parse(tools) else {
                throw .invalidArgument("tools_json is not a JSON array of tool definitions")
            }
        }
        if kind.isPreview, let voice, voice.hasPrefix("voice_") {
            throw .invalidArgument("a custom voice id ('voice_...') needs the GA realtime protocol")
        }
        try ga.validate(protocol: kind, turnDetection: turnDetection, transcribes: transcriptionDeployment != nil)
    }

    /// The `session.update` event for `kind`.
    public func updateEvent(protocol kind: RealtimeProtocol) -> String {
        var s: [String] = []
        if let instructions { s.append(#""instructions":"# + JSONWriter.quote(instructions)) }
        if let tools = toolsJSON { s.append(#""tools":"# + tools) }
        if let toolChoice { s.append(#""tool_choice":"# + JSONWriter.quote(toolChoice)) }
        let transcription = transcriptionDeployment.map { model -> String in
            var t = #"{"model":"# + JSONWriter.quote(model)
            if let language = transcriptionLanguage { t += #","language":"# + JSONWriter.quote(language) }
            return t + "}"
        }
        let tokens = maxOutputTokens.map(String.init) ?? #""inf""#
        switch kind {
        case .preview:
            s.append(textOnly ? #""modalities":["text"]"# : #""modalities":["text","audio"]"#)
            if let voice { s.append(#""voice":"# + JSONWriter.quote(voice)) }
            s.append(#""input_audio_format":"# + JSONWriter.quote(inputFormat.previewName))
            s.append(#""output_audio_format":"# + JSONWriter.quote(outputFormat.previewName))
            if let transcription { s.append(#""input_audio_transcription":"# + transcription) }
            if let noise = ga.noiseReduction { s.append(#""input_audio_noise_reduction":"# + noise.json) }
            s.append(#""turn_detection":"# + turnDetectionJSON())
            if let temperature { s.append(#""temperature":"# + JSONWriter.number(temperature)) }
            s.append(#""max_response_output_tokens":"# + tokens)
        case .ga:
            s.insert(#""type":"realtime""#, at: 0)
            s.append(textOnly ? #""output_modalities":["text"]"# : #""output_modalities":["audio"]"#)
            var input = omitsAudioFormats ? [] : [#""format":"# + inputFormat.gaFormatJSON]
            if let transcription { input.append(#""transcription":"# + transcription) }
            if let noise = ga.noiseReduction { input.append(#""noise_reduction":"# + noise.json) }
            input.append(#""turn_detection":"# + turnDetectionJSON(idleTimeoutMs: ga.idleTimeoutMs))
            var output = omitsAudioFormats ? [] : [#""format":"# + outputFormat.gaFormatJSON]
            if let voice { output.append(#""voice":"# + RealtimeGASettings.gaVoiceJSON(voice)) }
            if let speed = ga.speed { output.append(#""speed":"# + JSONWriter.number(speed)) }
            s.append(
                #""audio":{"input":{"# + input.joined(separator: ",") + #"},"output":{"#
                    + output.joined(separator: ",") + "}}")
            s.append(#""max_output_tokens":"# + tokens)
            s.append(contentsOf: ga.sessionFields)
        }
        return #"{"type":"session.update","session":{"# + s.joined(separator: ",") + "}}"
    }

    func turnDetectionJSON(idleTimeoutMs: Int? = nil) -> String {
        switch turnDetection {
        case .none: return "null"
        case .serverVAD(let threshold, let prefix, let silence, let create, let interrupt):
            var t = [#""type":"server_vad""#]
            if let threshold { t.append(#""threshold":"# + JSONWriter.number(threshold)) }
            if let prefix { t.append(#""prefix_padding_ms":\#(prefix)"#) }
            if let silence { t.append(#""silence_duration_ms":\#(silence)"#) }
            t.append(#""create_response":\#(create)"#)
            t.append(#""interrupt_response":\#(interrupt)"#)
            if let idleTimeoutMs { t.append(#""idle_timeout_ms":\#(idleTimeoutMs)"#) }
            return "{" + t.joined(separator: ",") + "}"
        case .semanticVAD(let eagerness, let create, let interrupt):
            var t = [#""type":"semantic_vad""#]
            if let eagerness { t.append(#""eagerness":"# + JSONWriter.quote(eagerness)) }
            t.append(#""create_response":\#(create)"#)
            t.append(#""interrupt_response":\#(interrupt)"#)
            return "{" + t.joined(separator: ",") + "}"
        }
    }
}
