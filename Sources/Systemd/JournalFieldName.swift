/// journald's rules for the names of user-supplied fields.
enum JournalFieldName {
    /// The longest name journald accepts.
    static let maximumLength = 64

    /// Whether journald keeps a field called `name`: 1–64 characters from `A–Z`,
    /// `0–9` and `_`, not starting with `_` (reserved for trusted fields) or a digit.
    static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first,
              bytes.count <= maximumLength,
              first != UInt8(ascii: "_"),
              !isDigit(first)
        else { return false }
        return bytes.allSatisfy { isUppercaseLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(byte)
    }

    private static func isUppercaseLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A") ... UInt8(ascii: "Z")).contains(byte)
    }
}
