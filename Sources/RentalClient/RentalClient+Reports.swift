#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalProtocol

extension RentalClient {
    /// `GET /v1/reports/{name}` as JSON: the figures of a period (any role).
    public func report(_ name: ReportName, _ query: ReportQuery) async throws(RentalError) -> Report {
        try await send(.get, ["reports", name.rawValue], query: Self.items(query))
    }

    /// `GET /v1/reports/{name}?format=csv|html`: the report as the daemon writes it, bytes as they came.
    /// - Parameters:
    ///   - format: `csv` or `html`.
    ///   - language: `en` or `ru` (headings, labels, numbers).
    ///   - dialect: for CSV, `excel` (UTF-8 with BOM, `;`, decimal comma, `dd.mm.yyyy`) or `rfc4180`.
    public func reportDocument(_ name: ReportName, _ query: ReportQuery, format: String, language: String,
                               dialect: String? = nil) async throws(RentalError) -> Data {
        try await exchange(.get, ["reports", name.rawValue],
                           query: Self.items(query) + [("format", format), ("lang", language), ("dialect", dialect)],
                           body: nil, headers: [])
    }

    static func items(_ query: ReportQuery) -> [(String, String?)] {
        [("from", query.from.description), ("to", query.to.description), ("centre", query.centre),
         ("category", query.category?.rawValue), ("type", query.itemType)]
    }
}
