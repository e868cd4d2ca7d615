import NIOCore
import NIOHTTP1
import RentalKit
import RentalPages

/// The papers' routes: HTML for a person to read and print. They hold personal data (it is the
/// contract), so they are never cached and nothing of them is logged.
extension API {
    /// The answer when `call` asks for a paper, else nil.
    func papersRoute(_ call: APICall) async throws -> HTTPResponse? {
        if let p = call.match(.GET, "loans/:id/documents/:kind") {
            guard let kind = DocumentKind(rawValue: p[1]), DocumentKind.loanDocuments.contains(kind) else {
                throw RentalError(.routeNotFound, "a loan's documents are contract, handover and return")
            }
            return html(try await papers.loanDocument(kind, loan: try call.id(p[0]), copies: try copies(call), store: store))
        }
        if let p = call.match(.GET, "families/:reference/documents/:kind") {
            guard p[1] == DocumentKind.card.rawValue else { throw RentalError(.routeNotFound, "a family's document is card") }
            return html(try await papers.familyCard(p[0], centre: call.query["centre"], store: store))
        }
        if call.matches(.GET, "units/labels") {
            let units = try call.query["units"].map { list in
                let numbers = list.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard !numbers.isEmpty else { throw RentalError(.invalidInput, "units: a comma-separated list of inventory numbers") }
                return numbers
            }
            return html(try await papers.labels(centre: try call.required("centre"), itemType: call.query["type"], units: units, store: store))
        }
        return nil
    }

    private func copies(_ call: APICall) throws -> Int? {
        guard let text = call.query["copies"] else { return nil }
        guard let copies = Int(text), copies == 1 || copies == 2 else { throw RentalError(.invalidInput, "copies: 1 or 2") }
        return copies
    }

    private func html(_ page: String) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/html; charset=utf-8")
        headers.add(name: "cache-control", value: "no-store")
        return HTTPResponse(status: .ok, headers: headers, body: ByteBuffer(string: page))
    }
}
