import Foundation
import NIOCore
import NIOHTTP1
import RentalKit
import RentalPages
import RentalProtocol

extension Routes {
    /// Reports for the ministry.
    static let reports: [Route] = [
        Route(.GET, "reports/:name", "getReport", .read) { api, call in
            try await api.report(call, name: call["name"])
        },
    ]
}

/// `GET /v1/reports/{name}`: a report as JSON, CSV (`format=csv`, `dialect=excel|rfc4180`) or one HTML
/// page (`format=html`), in English or Russian (`lang=en|ru`).
///
/// CSV is made here rather than in `rentalctl`: CSV.swift imports the whole Foundation, which would
/// bring Foundation and ICU (about 54 MB of libraries, 41 MB of them ICU) into the CLI that is kept to
/// FoundationEssentials.
extension API {
    /// Any role may read reports.
    func report(_ call: APICall, name: String) async throws -> HTTPResponse {
        guard let report = ReportName(rawValue: name) else {
            throw RentalError(.routeNotFound, "no such report; reports: \(ReportName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let from = try call.dateQuery("from") else { throw RentalError(.invalidInput, "from: required (YYYY-MM-DD)") }
        guard let to = try call.dateQuery("to") else { throw RentalError(.invalidInput, "to: required (YYYY-MM-DD)") }
        let query = ReportQuery(from: from, to: to, centre: call.query["centre"],
                                category: try call.enumQuery("category", Category.self), itemType: call.query["type"])
        let format = try call.enumQuery("format", ReportFormat.self) ?? .json
        let language = try call.enumQuery("lang", ReportLanguage.self) ?? .en
        let dialect = try call.enumQuery("dialect", ReportCSVDialect.self) ?? .excel
        let value = try await store.report(report, query)
        switch format {
        case .json:
            return try call.json(value)
        case .csv:
            let name = "\(report.rawValue)-\(from)-\(to).csv"
            return Self.document(try ReportCSV.csv(value, language: language, dialect: dialect),
                                 type: "text/csv; charset=utf-8; header=present", attachment: name)
        case .html:
            let page: String
            do {
                page = try ReportPage.html(value, language: language)
            } catch {
                logger.error("report page not rendered", metadata: ["problem": "\(error)"])
                throw RentalError(.storageFailure, "the report page's templates are not installed (share/rentald/templates beside the daemon's sbin)")
            }
            return Self.document(Data(page.utf8), type: "text/html; charset=utf-8")
        }
    }

    /// A response that is not JSON.
    static func document(_ body: Data, type: String, attachment: String? = nil) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: type)
        if let attachment { headers.add(name: "content-disposition", value: "attachment; filename=\"\(attachment)\"") }
        return HTTPResponse(status: .ok, headers: headers, body: ByteBuffer(bytes: body))
    }
}

/// `format=` of a report.
enum ReportFormat: String, CaseIterable {
    case json, csv, html
}
