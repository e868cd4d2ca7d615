#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalProtocol

/// The papers: HTML pages for A4 (they hold the family's personal data: print them, do not log them).
extension RentalClient {
    /// A loan's `contract`, `handover` or `return` act; `copies` 2 prints the lender's and the family's copy.
    public func loanDocument(_ kind: String, loan id: Int64, copies: Int? = nil) async throws(RentalError) -> String {
        try await page(["loans", "\(id)", "documents", kind], query: [("copies", copies.map { "\($0)" })])
    }

    /// A family's card (its loan history), headed by `centre` when given.
    public func familyCard(_ reference: String, centre: String? = nil) async throws(RentalError) -> String {
        try await page(["families", reference, "documents", "card"], query: [("centre", centre)])
    }

    /// A sheet of labels with QR codes for a centre's units (of one item type), or for the units named.
    public func labels(centre: String, itemType: String? = nil, units: [String]? = nil) async throws(RentalError) -> String {
        try await page(["units", "labels"], query: [("centre", centre), ("type", itemType), ("units", units?.joined(separator: ","))])
    }

    private func page(_ path: [String], query: [(String, String?)]) async throws(RentalError) -> String {
        String(decoding: try await exchange(.get, path, query: query, body: nil, headers: [("accept", "text/html")]), as: UTF8.self)
    }
}
