import Foundation
import NIOCore
import NIOHTTP1
import RentalModel
import RentalProtocol

/// Answers a request the HTTP codec cannot read with `400 malformed_request` and a problem body that says
/// what was wrong, then lets the codec close the connection — in place of NIO's `HTTPServerProtocolErrorHandler`,
/// which answers an empty 400. Only when no answer has begun (one cannot be cut into).
final class ProtocolErrorAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var answering = false

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        if !answering {
            let problem = Problem(RentalError(.malformedRequest, Self.reason(parserError)))
            let body = (try? RentalJSON.encoder().encode(problem)) ?? Data()
            let headers = HTTPHeaders([("content-type", RentalAPI.problemMediaType), ("content-length", "\(body.count)"),
                                       ("connection", "close")])
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))),
                          promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200: answering = true
        case .end: answering = false
        default: break
        }
        context.write(data, promise: promise)
    }

    /// What was wrong, in words a client's author can act on (never the bytes themselves).
    static func reason(_ error: HTTPParserError) -> String {
        switch error {
        case .invalidURL, .invalidPath, .invalidCharactersUsed:
            "the request line or a header holds a character HTTP does not allow: send the path and query percent-encoded (UTF-8)"
        case .headerOverflow:
            "the request's headers are too large (at most 32 KiB, 100 headers, 16 KiB each)"
        case .invalidMethod, .unknown:
            "not an HTTP/1.1 request this daemon can read"
        case .invalidVersion:
            "only HTTP/1.1 (and 1.0) requests are served"
        case .invalidContentLength, .unexpectedContentLength, .invalidChunkSize, .closedConnection:
            "the body's length does not match its framing (content-length or chunked encoding)"
        default:
            "the request could not be read as HTTP/1.1"
        }
    }
}
