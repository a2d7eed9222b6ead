/// The fields of a `RealtimeEvent` that most events leave empty, in one box the event shares with its copies and
/// copies before a change when shared (copy on write), so copying or dropping an event (several times per
/// delivered frame) does not retain and release a dozen empty strings.
///
/// `@unchecked Sendable`: a box is only changed through `RealtimeEvent.writableRare`, which first makes it unique
/// (`isKnownUniquelyReferenced`), so a box another event or thread can see is never written.
final class RealtimeEventRareFields: @unchecked Sendable {
    var jsonText: String?
    var previousItemID = ""
    var text = ""
    var callID = ""
    var name = ""
    var status = ""
    var usageJSON = ""
    var errorType = ""
    var errorCode = ""
    var errorParam = ""
    var extras: RealtimeEventExtras?

    init() {}

    func copy() -> RealtimeEventRareFields {
        let c = RealtimeEventRareFields()
        c.jsonText = jsonText
        c.previousItemID = previousItemID
        c.text = text
        c.callID = callID
        c.name = name
        c.status = status
        c.usageJSON = usageJSON
        c.errorType = errorType
        c.errorCode = errorCode
        c.errorParam = errorParam
        c.extras = extras
        return c
    }
}

extension RealtimeEvent {
    /// The box, made or unshared first: safe to write.
    var writableRare: RealtimeEventRareFields {
        mutating get {
            if rare == nil {
                rare = RealtimeEventRareFields()
            } else if !isKnownUniquelyReferenced(&rare) {
                rare = rare!.copy()
            }
            return rare!
        }
    }

    public var previousItemID: String {
        get { rare?.previousItemID ?? "" }
        set { writableRare.previousItemID = newValue }
    }
    /// The text the event carries: a delta, a final transcript or text, function call arguments, an error or
    /// close message.
    public var text: String {
        get { rare?.text ?? "" }
        set { writableRare.text = newValue }
    }
    public var callID: String {
        get { rare?.callID ?? "" }
        set { writableRare.callID = newValue }
    }
    /// A function call's name.
    public var name: String {
        get { rare?.name ?? "" }
        set { writableRare.name = newValue }
    }
    /// response.done status (completed, cancelled, failed, incomplete).
    public var status: String {
        get { rare?.status ?? "" }
        set { writableRare.status = newValue }
    }
    /// response.done usage as JSON text, or "".
    public var usageJSON: String {
        get { rare?.usageJSON ?? "" }
        set { writableRare.usageJSON = newValue }
    }
    public var errorType: String {
        get { rare?.errorType ?? "" }
        set { writableRare.errorType = newValue }
    }
    public var errorCode: String {
        get { rare?.errorCode ?? "" }
        set { writableRare.errorCode = newValue }
    }
    public var errorParam: String {
        get { rare?.errorParam ?? "" }
        set { writableRare.errorParam = newValue }
    }
    /// Fields of the session-kind events (segments, translated audio); nil on the others.
    public var extras: RealtimeEventExtras? {
        get { rare?.extras }
        set { writableRare.extras = newValue }
    }
}
