import Foundation
import NIOCore
import NIOHTTP1
import RentalKit
import RentalProtocol

/// A request taken apart for routing: path segments under `/v1`, query items, body, caller.
struct APICall {
    let method: HTTPMethod
    let path: [String]
    let query: [String: String]
    let headers: HTTPHeaders
    let bodyBytes: ByteBuffer
    let principal: Principal

    /// Every path the API serves, with its methods, for 405 answers.
    static let knownPrefixes = ["health", "centres", "catalogue", "units", "stock", "availability", "families", "rules",
                                "loans", "returns", "reservations", "notices", "backups", "audit", "reports"]

    init(_ request: HTTPRequest, principal: Principal) throws(RentalError) {
        guard let components = URLComponents(string: request.uri), components.percentEncodedPath.hasPrefix(RentalAPI.basePath + "/")
                || components.percentEncodedPath == RentalAPI.basePath else {
            throw RentalError(.routeNotFound, "paths start with \(RentalAPI.basePath)/")
        }
        method = request.method
        // Split before decoding: an inventory number may contain an encoded '/'.
        var segments: [String] = []
        for raw in components.percentEncodedPath.dropFirst(RentalAPI.basePath.count).split(separator: "/") {
            guard let segment = String(raw).removingPercentEncoding else {
                throw RentalError(.malformedRequest, "the path is not valid percent-encoded UTF-8")
            }
            segments.append(segment)
        }
        path = segments
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard query[item.name] == nil else { throw RentalError(.invalidInput, "\(item.name): given twice") }
            query[item.name] = item.value ?? ""
        }
        self.query = query
        headers = request.headers
        bodyBytes = request.body
        self.principal = principal
    }

    /// The values of the `:name` segments when the call is `method` on `pattern` (`loans/:id/renew`).
    /// Walks the pattern in place: it runs for every route until one matches.
    func match(_ method: HTTPMethod, _ pattern: String) -> [String]? {
        guard self.method == method else { return nil }
        var values: [String] = []
        var index = 0
        var rest = pattern.utf8[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
            let segment = rest[..<end]
            guard index < path.count else { return nil }
            if segment.first == UInt8(ascii: ":") {
                values.append(path[index])
            } else if !path[index].utf8.elementsEqual(segment) {
                return nil
            }
            index += 1
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
        }
        return index == path.count ? values : nil
    }

    /// Whether the call is `method` on the fixed path `pattern`.
    func matches(_ method: HTTPMethod, _ pattern: String) -> Bool {
        match(method, pattern) != nil
    }

    /// The error for a path no route takes. It does not repeat the path: a client may have put a name or
    /// a phone number where a reference belongs.
    static func unknownRoute(_ call: APICall) -> RentalError {
        guard let first = call.path.first, knownPrefixes.contains(first) else {
            return RentalError(.routeNotFound, "no such path in the API")
        }
        if call.path.count <= 4 {
            return RentalError(.methodNotAllowed, "\(call.method.rawValue) is not allowed on this path under \(RentalAPI.basePath)/\(first)")
        }
        return RentalError(.routeNotFound, "no such path under \(RentalAPI.basePath)/\(first)")
    }

    /// Decodes the JSON body.
    func body<T: Decodable>(_ type: T.Type) throws(RentalError) -> T {
        guard let value = try optionalBody(type) else { throw RentalError(.invalidInput, "a JSON body is required") }
        return value
    }

    /// Decodes the JSON body, or nil when there is none.
    func optionalBody<T: Decodable>(_ type: T.Type) throws(RentalError) -> T? {
        guard bodyBytes.readableBytes > 0 else { return nil }
        let contentType = headers.first(name: "content-type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard contentType == "application/json" else {
            throw RentalError(.unsupportedMediaType, "send the body as application/json")
        }
        let data = Data(bodyBytes.readableBytesView)
        do {
            return try RentalJSON.decoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw Self.describe(error)
        } catch {
            throw RentalError(.malformedRequest, "the body is not valid JSON")
        }
    }

    /// A decoding failure in words, naming the field (never the value).
    static func describe(_ error: DecodingError) -> RentalError {
        func field(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "body" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return RentalError(.invalidInput, "\(field(context.codingPath + [key])): required")
        case .typeMismatch(let type, let context):
            return RentalError(.invalidInput, "\(field(context.codingPath)): expected \(Self.typeName(type))")
        case .valueNotFound(let type, let context):
            return RentalError(.invalidInput, "\(field(context.codingPath)): expected \(Self.typeName(type)), got null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return RentalError(.malformedRequest, "the body is not valid JSON") }
            // The protocol's own decoders say what they expect ("expected a date as YYYY-MM-DD");
            // Foundation's messages for enumerations repeat the value, which may be personal data.
            let reason = context.debugDescription.hasPrefix("expected ") ? context.debugDescription : "not a valid value"
            return RentalError(.invalidInput, "\(field(context.codingPath)): \(reason)")
        @unknown default:
            return RentalError(.invalidInput, "the body does not match the expected shape")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        default: "another type"
        }
    }

    /// A numeric id from a path segment or query value (`field` names it in the error).
    func id(_ text: String, field: String = "id") throws(RentalError) -> Int64 {
        guard let value = Int64(text), value > 0 else { throw RentalError(.invalidInput, "\(field): must be a positive whole number") }
        return value
    }

    /// A required query item.
    func required(_ name: String) throws(RentalError) -> String {
        guard let value = query[name], !value.isEmpty else { throw RentalError(.invalidInput, "\(name): required") }
        return value
    }

    /// `limit`, 1…`max`.
    func limit(default fallback: Int = 100, max: Int = 1000) throws(RentalError) -> Int {
        guard let text = query["limit"] else { return fallback }
        guard let value = Int(text), (1...max).contains(value) else {
            throw RentalError(.invalidInput, "limit: must be between 1 and \(max)")
        }
        return value
    }

    /// A `true`/`false` query item.
    func boolQuery(_ name: String) throws(RentalError) -> Bool? {
        switch query[name] {
        case nil: return nil
        case "true", "1", "yes", "": return true
        case "false", "0", "no": return false
        default: throw RentalError(.invalidInput, "\(name): must be true or false")
        }
    }

    /// A `YYYY-MM-DD` query item.
    func dateQuery(_ name: String) throws(RentalError) -> LocalDate? {
        guard let text = query[name] else { return nil }
        guard let date = LocalDate(text) else { throw RentalError(.invalidInput, "\(name): must be a date as YYYY-MM-DD") }
        return date
    }

    /// A query item that must be one of an enumeration's raw values.
    func enumQuery<E: RawRepresentable & CaseIterable>(_ name: String, _ type: E.Type) throws(RentalError) -> E? where E.RawValue == String {
        guard let text = query[name] else { return nil }
        guard let value = E(rawValue: text) else {
            throw RentalError(.invalidInput, "\(name): must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// A JSON response.
    func json<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok) throws -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        return HTTPResponse(status: status, headers: headers, body: ByteBuffer(bytes: try RentalJSON.encoder().encode(value)))
    }

    /// A JSON response written by ``JSONBytes`` (loans and pages of them: the answers sent most).
    func json<T: JSONBytesEncodable>(_ value: T, status: HTTPResponseStatus = .ok) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        return HTTPResponse(status: status, headers: headers, body: ByteBuffer(bytes: JSONBytes.encode(value)))
    }

    /// 204.
    func noContent() -> HTTPResponse {
        HTTPResponse(status: .noContent, headers: HTTPHeaders(), body: ByteBuffer())
    }
}
