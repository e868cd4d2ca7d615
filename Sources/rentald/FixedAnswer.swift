import Foundation
import NIOCore
import NIOHTTP1
import RentalKit

/// The floor of rentald's request path, for `rental-bench`: rentald's own HTTP server (SwiftNIO's codec,
/// the async channel, a task per connection on its event loop) answering every request with the same
/// JSON body, with no routing, access check, store or encoding. What this serves per second is the most
/// any route can reach on this server design (`rentald --answer-fixed FILE --socket PATH`, hidden).
struct FixedAnswer: HTTPHandler {
    let body: ByteBuffer

    /// The body of `file`: an HTTP response captured from rentald (what follows its headers), or plain JSON.
    init(file: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        let start = bytes.indices.first { bytes[$0...].starts(with: separator) }.map { $0 + separator.count } ?? 0
        body = ByteBuffer(bytes: bytes[start...])
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        HTTPResponse(status: .ok, headers: ["content-type": "application/json"], body: body)
    }

    func problem(_ error: RentalError) -> HTTPResponse {
        HTTPResponse(status: .badRequest, headers: [:], body: ByteBuffer())
    }
}
