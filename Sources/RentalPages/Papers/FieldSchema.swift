/// The shape of a template's fields: which names exist and what is under each. Taken from a sample
/// context (``PaperSamples``), so that it cannot drift from what the renderer fills in.
public indirect enum FieldSchema: Sendable, Equatable {
    /// A value printed as text, or tested by a section.
    case value
    /// A group of named fields (`{{family.surname}}`, or `{{#family}}…{{/family}}`).
    case object([String: FieldSchema])
    /// A list whose items have these fields (`{{#loans}}…{{/loans}}`).
    case list([String: FieldSchema])

    /// The schema of a context built of dictionaries, lists of dictionaries and values.
    public static func of(_ value: Any) -> FieldSchema {
        if let dictionary = value as? [String: Any] {
            return .object(dictionary.mapValues(of))
        }
        if let list = value as? [[String: Any]] {
            var fields: [String: FieldSchema] = [:]
            for item in list {
                if case .object(let more) = of(item) { fields.merge(more) { old, _ in old } }
            }
            return .list(fields)
        }
        return .value
    }

    /// The named fields directly under this one (none for a value).
    public var fields: [String: FieldSchema] {
        switch self {
        case .value: [:]
        case .object(let fields), .list(let fields): fields
        }
    }
}
