/// What the service confirmed in a session.updated event, read from either protocol's shape: the audio formats
/// and whether its turn detection interrupts responses by itself.
///
/// - preview (flat): `session.input_audio_format` / `output_audio_format` ("pcm16", "g711_ulaw", "g711_alaw"),
///   `session.turn_detection` (`null` or an object with `interrupt_response`);
/// - GA (nested): `session.audio.input.format` / `session.audio.output.format` (`{"type":"audio/pcm",
///   "rate":24000}`, `{"type":"audio/pcmu"}`, `{"type":"audio/pcma"}`), `session.audio.input.turn_detection`.
public struct ConfirmedSession: Sendable, Equatable {
    /// A format field as confirmed: absent (the event did not say), one we know, or something else (its text).
    public enum Format: Sendable, Equatable {
        case absent
        case known(AudioFormat)
        case unknown(String)
    }

    public var input: Format = .absent
    public var output: Format = .absent
    /// nil: the event did not say. false: no turn detection, or one with `interrupt_response: false`.
    public var serverInterrupts: Bool?

    public init() {}

    /// Reads a session.updated (or session.created) event's JSON.
    public init(eventJSON: String) {
        guard let value = try? JSONParser.parse(eventJSON), let session = value["session"] else {
            self.init()
            return
        }
        self.init(session: session)
    }

    public init(session: JSONValue) {
        if let audio = session["audio"] {
            input = Self.format(audio["input"]?["format"])
            output = Self.format(audio["output"]?["format"])
            serverInterrupts = Self.interrupts(audio["input"]?["turn_detection"])
        }
        if case .absent = input { input = Self.format(session["input_audio_format"]) }
        if case .absent = output { output = Self.format(session["output_audio_format"]) }
        if serverInterrupts == nil { serverInterrupts = Self.interrupts(session["turn_detection"]) }
    }

    private static func format(_ wire: JSONValue?) -> Format {
        guard let wire, !wire.isNull else { return .absent }
        if let known = AudioFormat(wire: wire) {
            // GA PCM names its rate; the realtime API's PCM is 24 kHz, anything else is not what we decode.
            if known == .pcm16, let rate = wire["rate"]?.intValue, rate != 24000 {
                return .unknown("audio/pcm at \(rate) Hz")
            }
            return .known(known)
        }
        return .unknown(JSONWriter.serialize(wire))
    }

    private static func interrupts(_ turnDetection: JSONValue?) -> Bool? {
        guard let turnDetection else { return nil }
        if turnDetection.isNull { return false }
        guard case .object = turnDetection else { return nil }
        if case .bool(let flag)? = turnDetection["interrupt_response"] { return flag }
        return true  // the service's default for both VADs
    }

    /// Checks the confirmed formats against the ones asked for. Throws `.unsupported` naming both on a mismatch
    /// (the audio would be decoded as the wrong format: noise). A format the event does not state is not checked.
    public func check(input asked: AudioFormat, output askedOutput: AudioFormat) throws(AzError) {
        for (direction, confirmed, wanted) in [("input", input, asked), ("output", output, askedOutput)] {
            switch confirmed {
            case .absent:
                continue
            case .known(let got) where got == wanted:
                continue
            case .known(let got):
                throw AzError(
                    .unsupported,
                    "the service confirmed \(direction) audio format \(got.previewName) where \(wanted.previewName) "
                        + "was asked for (session.updated): the audio would be misread, so the session was not opened")
            case .unknown(let text):
                throw AzError(
                    .unsupported,
                    "the service confirmed \(direction) audio format \(text) where \(wanted.previewName) was asked "
                        + "for (session.updated), which this library does not decode: the session was not opened")
            }
        }
    }

    /// The session id a session.created / session.updated event names ("" when absent).
    public static func sessionID(eventJSON: String) -> String {
        (try? JSONParser.parse(eventJSON))?["session"]?["id"]?.stringValue ?? ""
    }
}
