/// A loan of a listing as its row holds it, for writing a listing out without building a ``Loan`` and its
/// strings for each row: the free-text fields are SQLite's own UTF-8 bytes, **valid only inside the call
/// that is handed the row**, and so are the dates as stored (``issuedOn`` and ``dueDate`` parse them); every
/// other field is decoded as the ``Loan`` of the same row would be.
/// ``RentalStore/loanRows(_:each:)`` hands them over.
public struct LoanRow {
    /// Store id.
    public let id: Int64
    /// The unit's inventory number (UTF-8).
    public let inventoryNumber: UnsafeRawBufferPointer
    /// The unit's item type code (UTF-8).
    public let itemType: UnsafeRawBufferPointer
    /// The borrowing family's reference number (UTF-8).
    public let family: UnsafeRawBufferPointer
    /// The issuing centre's code (UTF-8).
    public let centre: UnsafeRawBufferPointer
    /// Who issued it (UTF-8).
    public let issuedBy: UnsafeRawBufferPointer
    /// When it was issued, in milliseconds since 1970.
    public let issuedAtMillis: Int64
    /// The issue date in the centre's zone, as stored (`YYYY-MM-DD`, UTF-8).
    public let issuedOnText: UnsafeRawBufferPointer
    /// Whether the checkout was recorded after the fact.
    public let backdated: Bool
    /// The due date in the centre's zone, as stored (`YYYY-MM-DD`, UTF-8).
    public let dueDateText: UnsafeRawBufferPointer
    /// How many times it was renewed.
    public let renewals: Int64
    /// Open, returned or lost.
    public let state: LoanState
    /// When it was returned or declared lost, in milliseconds since 1970.
    public let closedAtMillis: Int64?
    /// Who closed it (UTF-8).
    public let closedBy: UnsafeRawBufferPointer?
    /// The centre it was returned to (UTF-8).
    public let returnedTo: UnsafeRawBufferPointer?
    /// The unit's condition on return.
    public let returnCondition: Condition?
    /// A note made on return (UTF-8).
    public let returnNote: UnsafeRawBufferPointer?

    /// The issue date in the centre's zone.
    public var issuedOn: LocalDate { Lookup.date(utf8: issuedOnText) }

    /// The due date in the centre's zone.
    public var dueDate: LocalDate { Lookup.date(utf8: dueDateText) }
}

extension Lookup {
    /// The loan of a row of ``loanSelect``, read in place (the columns of ``loan(_:)``, same decoding).
    static func loanRow(_ row: Columns) throws -> LoanRow {
        LoanRow(id: try row[0], inventoryNumber: try row.text(1), itemType: try row.text(2), family: try row.text(3),
                centre: try row.text(4), issuedBy: try row.text(5), issuedAtMillis: try row[6],
                issuedOnText: try row.text(7), backdated: try row[8], dueDateText: try row.text(9), renewals: try row[10],
                state: named(loanStates, try row.text(11)) ?? .open, closedAtMillis: try row[12],
                closedBy: row.optionalText(13), returnedTo: row.optionalText(14),
                returnCondition: row.optionalText(15).flatMap { named(conditions, $0) }, returnNote: row.optionalText(16))
    }

    /// Each loan state with its raw value's bytes, made once: going through `allCases` and each case's
    /// `rawValue` for every row made an array and strings per row (about 3% of rentald's CPU samples over
    /// the overdue listing, with the runtime's metadata lookups).
    private static let loanStates = LoanState.allCases.map { (Array($0.rawValue.utf8), $0) }

    /// Each return condition with its raw value's bytes, made once (as ``loanStates``).
    private static let conditions = Condition.allCases.map { (Array($0.rawValue.utf8), $0) }

    /// The value whose bytes are `text`, compared byte by byte (no string made).
    private static func named<Value>(_ table: [([UInt8], Value)], _ text: UnsafeRawBufferPointer) -> Value? {
        table.first { $0.0.elementsEqual(text) }?.1
    }
}
