import NIOCore
import NIOHTTP1
import RentalKit
import RentalPages

/// The papers: HTML for a person to read and print (contract, acts, family card, label sheet). They hold
/// personal data (it is the contract), so they are never cached and nothing of them is logged.
extension Routes {
    static let papers: [Route] = [
        Route(.GET, "loans/:id/documents/:kind", "getLoanDocument", .read) { api, call in
            guard let kind = DocumentKind(rawValue: call["kind"]), DocumentKind.loanDocuments.contains(kind) else {
                throw RentalError(.routeNotFound, "a loan's documents are contract, handover and return")
            }
            return html(try await api.papers.loanDocument(kind, loan: try call.id(call["id"]), copies: try copies(call), store: api.store))
        },
        Route(.GET, "families/:reference/documents/:kind", "getFamilyDocument", .read) { api, call in
            guard call["kind"] == DocumentKind.card.rawValue else { throw RentalError(.routeNotFound, "a family's document is card") }
            return html(try await api.papers.familyCard(call["reference"], centre: call.query["centre"], store: api.store))
        },
        Route(.GET, "units/labels", "getLabelSheet", .read) { api, call in
            let units = try call.query["units"].map { list in
                let numbers = list.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard !numbers.isEmpty else { throw RentalError(.invalidInput, "units: a comma-separated list of inventory numbers") }
                return numbers
            }
            return html(try await api.papers.labels(centre: try call.required("centre"), itemType: call.query["type"], units: units,
                                                    store: api.store))
        },
    ]

    private static func copies(_ call: APICall) throws -> Int? {
        guard let text = call.query["copies"] else { return nil }
        guard let copies = Int(text), copies == 1 || copies == 2 else { throw RentalError(.invalidInput, "copies: 1 or 2") }
        return copies
    }

    private static func html(_ page: String) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/html; charset=utf-8")
        headers.add(name: "cache-control", value: "no-store")
        return HTTPResponse(status: .ok, headers: headers, body: ByteBuffer(string: page))
    }
}
