/// The fields of a `RealtimeEvent` that most events leave empty, in one box the event shares with its copies and
/// copies before a change when shared (copy on write), so copying or dropping an event (several times per
/// delivered frame) does not retain and release a dozen empty strings.
///
/// `@unchecked Sendable`: a box is only changed through `RealtimeEvent.writableRare`, which first makes it unique
/// (`isKnownUniquelyReferenced`), so a box another event or thread can see is never written.
final class RealtimeEventRareFields: @unchecked Sendable {
    var values: RealtimeEventRareValues

    init(_ values: RealtimeEventRareValues = RealtimeEventRareValues()) { self.values = values }
}

/// The fields themselves, a value: the box copies them in one assignment, so a field added here cannot be left out
/// of a copy.
struct RealtimeEventRareValues {
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
}

extension RealtimeEvent {
    /// The box, made or unshared first: safe to write.
    var writableRare: RealtimeEventRareFields {
        mutating get {
            if rare == nil {
                rare = RealtimeEventRareFields()
            } else if !isKnownUniquelyReferenced(&rare) {
                rare = RealtimeEventRareFields(rare!.values)
            }
            return rare!
        }
    }

    public var previousItemID: String {
        get { rare?.values.previousItemID ?? "" }
        set { writableRare.values.previousItemID = newValue }
    }
    /// The text the event carries: a delta, a final transcript or text, function call arguments, an error or
    /// close message.
    public var text: String {
        get { rare?.values.text ?? "" }
        set { writableRare.values.text = newValue }
    }
    public var callID: String {
        get { rare?.values.callID ?? "" }
        set { writableRare.values.callID = newValue }
    }
    /// A function call's name.
    public var name: String {
        get { rare?.values.name ?? "" }
        set { writableRare.values.name = newValue }
    }
    /// response.done status (completed, cancelled, failed, incomplete).
    public var status: String {
        get { rare?.values.status ?? "" }
        set { writableRare.values.status = newValue }
    }
    /// response.done usage as JSON text, or "".
    public var usageJSON: String {
        get { rare?.values.usageJSON ?? "" }
        set { writableRare.values.usageJSON = newValue }
    }
    public var errorType: String {
        get { rare?.values.errorType ?? "" }
        set { writableRare.values.errorType = newValue }
    }
    public var errorCode: String {
        get { rare?.values.errorCode ?? "" }
        set { writableRare.values.errorCode = newValue }
    }
    public var errorParam: String {
        get { rare?.values.errorParam ?? "" }
        set { writableRare.values.errorParam = newValue }
    }
    /// Fields of the session-kind events (segments, translated audio); nil on the others.
    public var extras: RealtimeEventExtras? {
        get { rare?.values.extras }
        set { writableRare.values.extras = newValue }
    }
}
