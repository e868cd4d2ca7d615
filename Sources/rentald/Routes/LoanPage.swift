import NIOCore
import RentalKit
import RentalProtocol

/// A page of the loan listing, written from the store's rows in place: the bytes of `Page<Loan>`'s JSON
/// (what ``APICall/json(_:)-(JSONBytesEncodable)`` would send for the page), without a ``Loan`` for each row:
/// building them (their strings, dates and state parsed) was about 7% of the daemon's CPU samples on the
/// overdue listing (`perf record -a -g` over `rental-bench run --only overdue`), before the JSON was written.
///
/// Written whole, not streamed: a page is at most 1,000 loans (about 260 kB), and sending it in pieces
/// while the store read the rest (a producer task, the connection writing chunks) cost more CPU than it
/// overlapped on two cores — 1.59–1.60× the raw query against 1.41–1.55× whole, same benchmark.
enum LoanPage {
    /// The page of `filter` as JSON.
    static func json(_ store: RentalStore, _ filter: LoanFilter) async throws(RentalError) -> ByteBuffer {
        // Room for a page of ordinary loans from the start: a buffer that grew past glibc's mapping
        // threshold (MallocTuning) would be mapped and faulted in afresh for every page.
        var json = JSONBytes(capacity: 64 + filter.limit * 320)
        var count = 0
        var last: Int64 = 0
        json.raw(#"{"items":["#)
        try await store.loanRows(filter) { row in
            if count > 0 { json.raw(",") }
            json.loan(row)
            count += 1
            last = row.id
        }
        json.raw("]")
        if count == filter.limit {
            json.key("next")
            json.string("\(last)")
        }
        json.raw("}")
        return json.withBytes { ByteBuffer(bytes: $0) }
    }
}

extension JSONBytes {
    /// Appends a loan read in place: the bytes ``Loan/write(to:)`` writes for the ``Loan`` of the same row,
    /// keys in the same order (`WireTests` compares pages with the same loans fetched one by one). Written as
    /// one ``PlainRun`` when every piece is plain, as almost every loan is; otherwise key by key.
    mutating func loan(_ row: LoanRow) {
        var run = plainRun(upTo: Self.loanRoom + row.textBytes)
        if run.loan(row) { commit(run) } else { loanPieceByPiece(row) }
    }

    /// Room for a loan's keys, punctuation, numbers, dates, instants and the quotes around its texts: at most
    /// 366 bytes (every optional field present, both numbers 20 digits long), rounded up.
    private static let loanRoom = 384

    /// ``loan(_:)`` through the general methods, which escape text and parse dates stored otherwise.
    private mutating func loanPieceByPiece(_ row: LoanRow) {
        raw("{")
        key("backdated", first: true)
        boolean(row.backdated)
        key("centre")
        string(utf8: row.centre)
        if let closedAt = row.closedAtMillis {
            key("closedAt")
            instant(millis: closedAt)
        }
        text("closedBy", row.closedBy)
        key("dueDate")
        storedDate(row.dueDateText, else: row.dueDate)
        key("family")
        string(utf8: row.family)
        key("id")
        integer(row.id)
        key("inventoryNumber")
        string(utf8: row.inventoryNumber)
        key("issuedAt")
        instant(millis: row.issuedAtMillis)
        key("issuedBy")
        string(utf8: row.issuedBy)
        key("issuedOn")
        storedDate(row.issuedOnText, else: row.issuedOn)
        key("itemType")
        string(utf8: row.itemType)
        key("renewals")
        integer(row.renewals)
        if let condition = row.returnCondition {
            key("returnCondition")
            string(condition.rawValue)
        }
        text("returnNote", row.returnNote)
        text("returnedTo", row.returnedTo)
        key("state")
        string(row.state.rawValue)
        raw("}")
    }

    /// A date as stored, copied when it is plainly one; otherwise `parsed` (the row's own parsing of it).
    private mutating func storedDate(_ text: UnsafeRawBufferPointer, else parsed: @autoclosure () -> LocalDate) {
        if !plainDate(utf8: text) { date(parsed()) }
    }

    /// `,"name":"text"` when there is a text; nothing (the key left out, as `JSONEncoder` leaves out nil) when not.
    private mutating func text(_ name: StaticString, _ text: UnsafeRawBufferPointer?) {
        guard let text else { return }
        key(name)
        string(utf8: text)
    }
}

extension JSONBytes.PlainRun {
    /// The loan as ``JSONBytes/loan(_:)`` writes it, when every piece is plain; false as soon as one is not.
    fileprivate mutating func loan(_ row: LoanRow) -> Bool {
        literal(#"{"backdated":"#)
        boolean(row.backdated)
        guard text(#","centre":"#, row.centre) else { return false }
        if let closedAt = row.closedAtMillis {
            literal(#","closedAt":"#)
            guard instant(millis: closedAt) else { return false }
        }
        guard text(#","closedBy":"#, row.closedBy), date(#","dueDate":"#, row.dueDateText),
              text(#","family":"#, row.family) else { return false }
        literal(#","id":"#)
        integer(row.id)
        guard text(#","inventoryNumber":"#, row.inventoryNumber) else { return false }
        literal(#","issuedAt":"#)
        guard instant(millis: row.issuedAtMillis), text(#","issuedBy":"#, row.issuedBy),
              date(#","issuedOn":"#, row.issuedOnText), text(#","itemType":"#, row.itemType) else { return false }
        literal(#","renewals":"#)
        integer(row.renewals)
        switch row.returnCondition {
        case nil: break
        case .new: literal(#","returnCondition":"new""#)
        case .good: literal(#","returnCondition":"good""#)
        case .fair: literal(#","returnCondition":"fair""#)
        case .damaged: literal(#","returnCondition":"damaged""#)
        }
        guard text(#","returnNote":"#, row.returnNote), text(#","returnedTo":"#, row.returnedTo) else { return false }
        switch row.state {
        case .open: literal(#","state":"open"}"#)
        case .returned: literal(#","state":"returned"}"#)
        case .lost: literal(#","state":"lost"}"#)
        }
        return true
    }

    /// `key` and the text when there is one (true with nothing written when there is none); false when the
    /// text is not plain.
    private mutating func text(_ key: StaticString, _ text: UnsafeRawBufferPointer?) -> Bool {
        guard let text else { return true }
        literal(key)
        return string(utf8: text)
    }

    /// `key` and the stored date; false when it is not plainly a date.
    private mutating func date(_ key: StaticString, _ text: UnsafeRawBufferPointer) -> Bool {
        literal(key)
        return date(utf8: text)
    }
}

extension LoanRow {
    /// The bytes of its texts together.
    fileprivate var textBytes: Int {
        centre.count + family.count + inventoryNumber.count + issuedBy.count + itemType.count
            + (closedBy?.count ?? 0) + (returnNote?.count ?? 0) + (returnedTo?.count ?? 0)
    }
}
