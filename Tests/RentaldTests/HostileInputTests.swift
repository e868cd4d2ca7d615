import Foundation
import Glibc
import Testing
import RentalClient
import RentalProtocol

/// A corpus of hostile requests sent as raw bytes over the Unix socket to a real daemon: broken framing,
/// smuggling attempts, oversized request lines and header lists, invalid UTF-8, JSON bombs within the body
/// limit, numbers and dates out of range, and slow clients. The daemon must refuse each with a 4xx problem
/// body (for framing the HTTP codec rejects, `400 malformed_request` and a closed connection), never answer 5xx,
/// keep answering `/v1/health`, keep serving others while slow clients hang, and not grow its memory with
/// the number of hostile requests.
@Suite("Hostile input")
struct HostileInputTests {
    /// Rounds of the whole corpus for the memory check (about 1.5 s each on the 2-core machine).
    static let rounds = 15
    /// Allowed growth of the daemon's resident memory from before the corpus to after the last round: the
    /// first round alone takes it from about 42 to 60 MiB (buffers and allocator arenas for the large
    /// bodies), after which it levels off.
    static let rssGrowthBound = 40 << 20
    /// Allowed growth over the second half of the rounds, when the allocator has levelled off (about
    /// 1 MiB measured): a leak of the large bodies of the bombs would exceed it.
    static let rssSteadyGrowthBound = 8 << 20

    @Test("every case of the corpus is refused with a 4xx (never a 5xx), and the daemon stays up and bounded in memory")
    func corpus() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let pid = try #require(daemon.process?.pid)
        let cases = HostileCorpus.cases
        #expect(Set(cases.map(\.name)).count == cases.count, "case names are unique")
        let before = try residentBytes(pid)
        var afterFirst = 0
        var halfway = 0
        var exchanges = 0
        for round in 1...Self.rounds {
            for hostile in cases {
                let result = await RawHTTP.exchange(daemon.socketPath, hostile.bytes)
                exchanges += 1
                for problem in result.problems(for: hostile) {
                    Issue.record("\(hostile.name) (round \(round)): \(problem)")
                }
                guard daemon.process?.exitStatus == nil else {
                    Issue.record("rentald exited after \(hostile.name): \(daemon.log)")
                    return
                }
                let health = try await daemon.client.health()
                #expect(health.status == "ok", "after \(hostile.name)")
            }
            if round == 1 { afterFirst = try residentBytes(pid) }
            if round == (Self.rounds + 1) / 2 { halfway = try residentBytes(pid) }
        }
        let after = try residentBytes(pid)
        print("hostile corpus: \(cases.count) cases × \(Self.rounds) rounds = \(exchanges) exchanges; rentald VmRSS before \(before / 1024) KiB, after round 1 \(afterFirst / 1024) KiB, after round \(Self.rounds) \(after / 1024) KiB (growth \((after - before) / 1024) KiB, bound \(Self.rssGrowthBound / 1024) KiB; round \((Self.rounds + 1) / 2) \(halfway / 1024) KiB, growth since \((after - halfway) / 1024) KiB, bound \(Self.rssSteadyGrowthBound / 1024) KiB)")
        #expect(after - before < Self.rssGrowthBound, "VmRSS grew from \(before) to \(after) bytes")
        #expect(after - halfway < Self.rssSteadyGrowthBound, "VmRSS grew from \(halfway) halfway to \(after) bytes")

        // None of the smuggled requests hidden in the corpus was executed.
        #expect(try await daemon.client.family(HostileCorpus.smuggleTarget).status == .active)
        #expect(!daemon.log.contains("request failed"), "no request ended in a 5xx: \(daemon.log)")
        #expect(try await daemon.stop() == 0)
    }

    @Test("a client that sends its requests and then closes its writing side gets every answer")
    func halfClosedClient() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let health = RawHTTP.request("GET", "/v1/health", followUp: false, close: false)
        let stock = RawHTTP.request("GET", "/v1/stock?centre=ryabinushka", followUp: false, close: false)
        let answered = await RawHTTP.exchange(daemon.socketPath, health + stock + health, halfClose: true)
        #expect(answered.responses.map(\.status) == [200, 200, 200], "\(answered)")
        #expect(answered.closed, "closed after the last answer")
        // A request cut short by the close gets no answer, and the daemon carries on.
        let cut = await RawHTTP.exchange(daemon.socketPath, health + Array("GET /v1/heal".utf8), halfClose: true)
        #expect(cut.responses.first?.status == 200 && cut.closed, "\(cut)")
        #expect(try await daemon.client.health().status == "ok")
        #expect(!daemon.log.contains("request failed"))
        #expect(try await daemon.stop() == 0)
    }

    @Test("slow clients hang only themselves: a slowloris, a half-sent body and a client that never reads")
    // Each request must arrive in full within the idle timeout (2 s here): the slowloris, which would send
    // one byte every 200 ms for about 5 s, is cut off, so `max_connections` of them cannot lock others out.
    func slowClients() async throws {
        let daemon = try DaemonHarness(config: """
            [limits]
            idle_timeout_seconds = 2
            """)
        try await daemon.start(useConfig: true)
        let socketPath = daemon.socketPath

        // Sends 20,000 pipelined requests for large answers (1 MB) and never reads one of them.
        let stock = RawHTTP.request("GET", "/v1/units?limit=1000", followUp: false, close: false)
        var pipelined: [UInt8] = []
        pipelined.reserveCapacity(stock.count * 20_000)
        for _ in 0..<20_000 { pipelined.append(contentsOf: stock) }
        let allPipelined = pipelined

        // The slowloris: one header byte every 200 ms for about 5 s, then the end of the request (if it can).
        let slowHeader = Array(("X-Slow: " + String(repeating: "z", count: 15) + "\r\n").utf8)
        let slowloris = BackgroundExchange {
            RawHTTP.trickle(socketPath, head: Array("GET /v1/health HTTP/1.1\r\nHost: x\r\n".utf8), trickled: slowHeader,
                            tail: Array("Connection: close\r\n\r\n".utf8), every: .milliseconds(200))
        }
        // Half a body, then silence: the daemon waits for the rest until the idle timeout closes it.
        let halfBody = BackgroundExchange {
            RawHTTP.exchange(socketPath, RawHTTP.request("POST", "/v1/loans", body: Array(#"{"family":"F-2026-0001","unit":"#.utf8),
                                                         contentLength: 200, followUp: false), deadline: 10)
        }
        let deaf = BackgroundExchange {
            RawHTTP.neverRead(socketPath, allPipelined, holdFor: .seconds(3))
        }

        // Meanwhile everyone else is served, before the slow ones are done.
        let client = daemon.client
        var served = 0
        while !slowloris.isDone, served < 40 {
            #expect(try await client.health().status == "ok")
            #expect(try await client.stock(centre: "ryabinushka").isEmpty == false)
            served += 1
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(served >= 1, "others were served while the slowloris was still sending (\(served) rounds)")

        let trickled = await slowloris.result()
        let slowRequest = 34 + slowHeader.count + 21
        #expect(trickled.responses.isEmpty && trickled.sent < slowRequest,
                "the slowloris is cut off before its request is complete: \(trickled)")
        let half = await halfBody.result()
        #expect(half.responses.allSatisfy { (400..<500).contains($0.status) }, "\(half)")
        #expect(half.closed, "the idle timeout closes a half-sent request")
        let neverRead = await deaf.result()
        #expect(neverRead.sent < allPipelined.count, "the daemon stops reading from a client that does not read its answers")
        print("slow clients: \(served) rounds of health+stock served meanwhile; the deaf client got \(neverRead.sent) of \(allPipelined.count) bytes in before the daemon stopped reading it")

        #expect(try await client.health().status == "ok")
        #expect(try await client.stock(centre: "ryabinushka").isEmpty == false)
        #expect(!daemon.log.contains("request failed"), "\(daemon.log)")
        #expect(try await daemon.stop() == 0)
    }

    /// The daemon's resident set size in bytes (`VmRSS` of /proc/PID/status).
    func residentBytes(_ pid: pid_t) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw HarnessError("no VmRSS in /proc/\(pid)/status")
        }
        return kib * 1024
    }
}

/// What the daemon must do with one hostile input.
enum HostileOutcome: Sendable {
    /// The first answer has this status and, when given, this problem code.
    case problem(Int, String?)
    /// Refused: the HTTP codec's `400 malformed_request` and a closed connection (or only the closed connection), or a
    /// 4xx problem body when the codec let it through.
    case refused
    /// Served: odd but valid HTTP.
    case served(Int)
}

/// One entry of the corpus.
struct HostileInput: Sendable {
    let name: String
    let bytes: [UInt8]
    let outcome: HostileOutcome
    /// The request is followed on the same connection by `GET /v1/health`, which must be answered 200
    /// (the connection's framing survived the hostile request).
    let followUp: Bool
}

/// The named corpus.
enum HostileCorpus {
    /// A family that a smuggled request tries to suspend; it must stay active.
    static let smuggleTarget = "F-2026-0007"

    static let smuggled: String = {
        let body = #"{"status":"suspended"}"#
        return "POST /v1/families/\(smuggleTarget)/status HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"
            + "content-length: \(body.utf8.count)\r\n\r\n\(body)"
    }()

    static var cases: [HostileInput] {
        var cases: [HostileInput] = []
        /// Raw bytes, as given.
        func raw(_ name: String, _ text: String, _ outcome: HostileOutcome = .refused) {
            cases.append(HostileInput(name: name, bytes: Array(text.utf8), outcome: outcome, followUp: false))
        }
        func rawBytes(_ name: String, _ bytes: [UInt8], _ outcome: HostileOutcome = .refused) {
            cases.append(HostileInput(name: name, bytes: bytes, outcome: outcome, followUp: false))
        }
        /// A well-framed request followed by `GET /v1/health` on the same connection.
        func request(_ name: String, _ method: String, _ target: String, json: String? = nil, headers: [String] = [],
                     contentType: String? = "application/json", _ outcome: HostileOutcome) {
            requestBytes(name, method, target, body: json.map { Array($0.utf8) }, headers: headers, contentType: contentType, outcome)
        }
        func requestBytes(_ name: String, _ method: String, _ target: String, body: [UInt8]?, headers: [String] = [],
                          contentType: String? = "application/json", _ outcome: HostileOutcome) {
            let bytes = RawHTTP.request(method, target, headers: headers, body: body, contentType: contentType, followUp: true)
            cases.append(HostileInput(name: name, bytes: bytes, outcome: outcome, followUp: true))
        }
        let checkout = #"{"family":"F-2026-0001","unit":"КРВ-1-1","centre":"ryabinushka"}"#

        // Framing.
        raw("content-length smaller than the body",
            "POST /v1/loans HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 5\r\n\r\n\(checkout)",
            .problem(400, "malformed_request"))
        raw("two different content-length headers",
            "POST /v1/loans HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\ncontent-length: 40\r\nConnection: close\r\n\r\n{}")
        raw("two equal content-length headers",
            "POST /v1/nowhere HTTP/1.1\r\nHost: x\r\ncontent-length: 2\r\ncontent-length: 2\r\nConnection: close\r\n\r\n{}")
        raw("content-length list",
            "POST /v1/nowhere HTTP/1.1\r\nHost: x\r\ncontent-length: 2, 2\r\nConnection: close\r\n\r\n{}")
        raw("negative content-length",
            "POST /v1/loans HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: -1\r\nConnection: close\r\n\r\n{}")
        raw("content-length with a sign",
            "POST /v1/loans HTTP/1.1\r\nHost: x\r\ncontent-length: +2\r\nConnection: close\r\n\r\n{}")
        raw("content-length not a number",
            "POST /v1/loans HTTP/1.1\r\nHost: x\r\ncontent-length: 1e3\r\nConnection: close\r\n\r\n{}")
        raw("content-length beyond 64 bits",
            "POST /v1/loans HTTP/1.1\r\nHost: x\r\ncontent-length: 99999999999999999999999\r\nConnection: close\r\n\r\n{}")
        raw("content-length over the body limit", // answered before the body is read
            "POST /v1/loans HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 9223372036854775807\r\n\r\n{}",
            .problem(413, "payload_too_large"))
        raw("content-length and transfer-encoding chunked (CL.TE smuggling)",
            "POST /v1/nowhere HTTP/1.1\r\nHost: x\r\ncontent-length: 6\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n\(smuggled)")
        raw("transfer-encoding chunked and content-length (TE.CL smuggling)",
            "POST /v1/nowhere HTTP/1.1\r\nHost: x\r\ntransfer-encoding: chunked\r\ncontent-length: 4\r\n\r\n\(String(smuggled.utf8.count + 2, radix: 16))\r\n\r\n\(smuggled)\r\n0\r\n\r\n")
        raw("obfuscated transfer-encoding (space before the colon)",
            "POST /v1/nowhere HTTP/1.1\r\nHost: x\r\ntransfer-encoding : chunked\r\ncontent-length: 4\r\nConnection: close\r\n\r\n0\r\n\r\n\(smuggled)")
        raw("transfer-encoding that does not end in chunked",
            "POST /v1/nowhere HTTP/1.1\r\nHost: x\r\ntransfer-encoding: chunked, identity\r\nConnection: close\r\n\r\n0\r\n\r\n")
        raw("unknown transfer-encoding",
            "POST /v1/nowhere HTTP/1.1\r\nHost: x\r\ntransfer-encoding: gzip\r\nConnection: close\r\n\r\n0\r\n\r\n")
        raw("two transfer-encoding headers",
            "POST /v1/nowhere HTTP/1.1\r\nHost: x\r\ntransfer-encoding: chunked\r\ntransfer-encoding: x\r\nConnection: close\r\n\r\n0\r\n\r\n")
        raw("chunk size not hexadecimal",
            "POST /v1/loans HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
        raw("chunk size overflowing 64 bits",
            "POST /v1/loans HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nConnection: close\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n")
        raw("negative chunk size",
            "POST /v1/loans HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nConnection: close\r\n\r\n-2\r\n{}\r\n0\r\n\r\n")
        raw("chunk longer than its size",
            "POST /v1/loans HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nConnection: close\r\n\r\n1\r\n{}\r\n0\r\n\r\n")
        raw("chunked body over the body limit",
            "POST /v1/loans HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n200000\r\n" + String(repeating: " ", count: 1 << 21),
            .problem(413, "payload_too_large"))
        raw("chunked body, well formed",
            "POST /v1/loans HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            .problem(422, "invalid_input"))
        raw("bare LF line endings",
            "GET /v1/nowhere HTTP/1.1\nHost: x\nConnection: close\n\n")
        raw("bare CR line endings",
            "GET /v1/nowhere HTTP/1.1\rHost: x\rConnection: close\r\r")
        raw("bare LF hiding a content-length",
            "POST /v1/nowhere HTTP/1.1\r\nHost: x\ncontent-length: 4\r\nConnection: close\r\n\r\n\(smuggled)")
        raw("obsolete line folding",
            "GET /v1/nowhere HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\nConnection: close\r\n\r\n")
        raw("header without a colon",
            "GET /v1/nowhere HTTP/1.1\r\nHost: x\r\nno colon here\r\nConnection: close\r\n\r\n")
        raw("space in a header name",
            "GET /v1/nowhere HTTP/1.1\r\nHost: x\r\nX Bad: 1\r\nConnection: close\r\n\r\n")
        rawBytes("NUL in a header value",
                 Array("GET /v1/nowhere HTTP/1.1\r\nHost: x\r\nX-Nul: a".utf8) + [0] + Array("b\r\nConnection: close\r\n\r\n".utf8))
        raw("missing Host", "GET /v1/health HTTP/1.1\r\nConnection: close\r\n\r\n", .served(200))
        raw("HTTP/1.0 without Host", "GET /v1/nowhere HTTP/1.0\r\n\r\n", .problem(404, "route_not_found"))
        raw("HTTP/0.9 request line", "GET /v1/nowhere\r\n\r\n")
        raw("unknown HTTP version", "GET /v1/nowhere HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n")
        raw("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        raw("unknown method", "BREW /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        raw("lower-case method", "get /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        raw("CONNECT", "CONNECT localhost:80 HTTP/1.1\r\nHost: localhost:80\r\nConnection: close\r\n\r\n")
        raw("CONNECT, then a smuggled request", "CONNECT localhost:80 HTTP/1.1\r\nHost: localhost:80\r\n\r\n\(smuggled)")
        raw("upgrade to websocket",
            "GET /v1/nowhere HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n\(smuggled)")
        raw("asterisk target", "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", .problem(404, "route_not_found"))
        raw("garbage", "\u{1}\u{2}\u{3}\r\n\r\n")
        raw("empty lines before the request", "\r\n\r\n\r\nGET /v1/nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")

        // Pipelining: each request answered once, in order; a codec error ends the connection.
        raw("a hundred pipelined requests",
            String(repeating: "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n", count: 99) + "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            .served(200))
        raw("a valid request, then garbage on the same connection",
            "GET /v1/nowhere HTTP/1.1\r\nHost: x\r\n\r\n\u{1}\u{2}garbage\r\n\r\n", .problem(404, "route_not_found"))

        // Sizes.
        raw("a request line of 1 MiB",
            "GET /v1/units/" + String(repeating: "A", count: 1 << 20) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        raw("a thousand headers",
            "GET /v1/health HTTP/1.1\r\nHost: x\r\n" + (0..<1000).map { "X-H\($0): v\r\n" }.joined() + "Connection: close\r\n\r\n")
        raw("a header name of 20 KB",
            "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-" + String(repeating: "n", count: 20_000) + ": v\r\nConnection: close\r\n\r\n")
        request("an Idempotency-Key of 10 KB", "POST", "/v1/loans", json: #"{"family":"F-NOPE","unit":"КРВ-1-1","centre":"ryabinushka"}"#,
                headers: ["Idempotency-Key: " + String(repeating: "k", count: 10_000)], .problem(422, "invalid_input"))

        // Invalid UTF-8 and odd encodings.
        rawBytes("raw invalid UTF-8 in the path",
                 Array("GET /v1/units/".utf8) + [0xFF, 0xFE, 0xC0, 0xAF] + Array(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        request("percent-encoded invalid UTF-8 in the path", "GET", "/v1/units/%FF%FE%C0%AF", .problem(400, "malformed_request"))
        request("percent-encoded surrogate in the path", "GET", "/v1/families/%ED%A0%80", .problem(400, "malformed_request"))
        request("NUL in the path", "GET", "/v1/units/%00", .problem(422, "invalid_input"))
        request("a broken percent escape in the path", "GET", "/v1/units/%G1", .problem(422, "invalid_input"))
        request("dot segments in the path", "GET", "/v1/../../etc/passwd", .problem(404, "route_not_found"))
        request("encoded dot segments in the path", "GET", "/v1/units/..%2F..%2Fetc%2Fpasswd", .problem(404, "unit_not_found"))
        request("percent-encoded invalid UTF-8 in the query", "GET", "/v1/families?q=%FF%FE", .problem(422, "invalid_input"))
        rawBytes("raw invalid UTF-8 in the query",
                 Array("GET /v1/families?q=".utf8) + [0xFF, 0xC3, 0x28] + Array(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        request("a query item given twice", "GET", "/v1/loans?limit=5&limit=6", .problem(422, "invalid_input"))
        request("a query of a thousand items", "GET", "/v1/loans?limit=1&" + (0..<1000).map { "k\($0)=v" }.joined(separator: "&"),
                .served(200))
        raw("a query of ten thousand items (over the header list limit)",
            "GET /v1/loans?" + (0..<10_000).map { "k\($0)=v" }.joined(separator: "&") + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        requestBytes("invalid UTF-8 inside a JSON string", "POST", "/v1/loans",
                     body: Array(#"{"family":""#.utf8) + [0xC3, 0x28] + Array(#"","unit":"x","centre":"ryabinushka"}"#.utf8),
                     .problem(400, "malformed_request"))
        requestBytes("overlong UTF-8 in a JSON string", "POST", "/v1/loans",
                     body: Array(#"{"family":""#.utf8) + [0xC0, 0xAF] + Array(#"","unit":"x","centre":"ryabinushka"}"#.utf8),
                     .problem(400, "malformed_request"))
        request("escaped lone surrogate in a JSON string", "POST", "/v1/loans",
                json: #"{"family":"\uD800","unit":"x","centre":"ryabinushka"}"#, .refused)
        request("escaped NUL in a JSON string", "POST", "/v1/families",
                json: #"{"reference":"F-NUL","contactSurname":"a\u0000b","contactGivenNames":"","phone":"+7 913 000 00 00","address":"","lowIncomeUntil":"2030-01-01","children":[]}"#,
                .problem(422, "invalid_input"))
        requestBytes("UTF-16 body", "POST", "/v1/loans", body: Array(checkout.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
                     .refused)
        requestBytes("a byte-order mark before the JSON", "POST", "/v1/loans",
                     body: [0xEF, 0xBB, 0xBF] + Array(#"{"family":"F-NOPE","unit":"КРВ-1-1","centre":"ryabinushka"}"#.utf8), .refused)

        // Content types.
        request("POST without a content-type", "POST", "/v1/loans", json: checkout, contentType: nil,
                .problem(415, "unsupported_media_type"))
        request("form-encoded POST", "POST", "/v1/loans", json: "family=F-2026-0001&unit=x",
                contentType: "application/x-www-form-urlencoded", .problem(415, "unsupported_media_type"))
        request("JSON under a near-miss media type", "POST", "/v1/loans", json: checkout, contentType: "application/jsonp",
                .problem(415, "unsupported_media_type"))
        request("two content-type headers", "POST", "/v1/loans", json: #"{"family":"F-NOPE","unit":"x","centre":"ryabinushka"}"#,
                headers: ["content-type: text/plain"], .refused)
        request("empty JSON body with a content-length of 0", "POST", "/v1/loans", json: "", .problem(422, "invalid_input"))

        // JSON bombs within the body limit (1 MiB).
        request("100,000 nested arrays", "POST", "/v1/loans", json: String(repeating: "[", count: 100_000), .problem(400, "malformed_request"))
        request("100,000 nested arrays, closed", "POST", "/v1/loans",
                json: String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), .problem(400, "malformed_request"))
        request("50,000 nested objects", "POST", "/v1/loans",
                json: String(repeating: #"{"a":"#, count: 50_000) + "1" + String(repeating: "}", count: 50_000), .problem(400, "malformed_request"))
        request("nested objects inside a field", "POST", "/v1/loans",
                json: #"{"family":"# + String(repeating: #"{"a":"#, count: 20_000) + "1" + String(repeating: "}", count: 20_000) + "}",
                .refused)
        request("a 900 KB surname", "POST", "/v1/families",
                json: #"{"reference":"F-BIG","contactSurname":""# + String(repeating: "Ж", count: 450_000)
                    + #"","contactGivenNames":"","phone":"+7 913 000 00 00","address":"","lowIncomeUntil":"2030-01-01","children":[]}"#,
                .problem(422, "invalid_input"))
        request("a 900 KB string of escapes", "POST", "/v1/loans",
                json: #"{"family":"F-2026-0001","unit":""# + String(repeating: #"\u0041"#, count: 150_000) + #"","centre":"ryabinushka"}"#,
                .problem(422, "invalid_input"))
        request("200,000 numbers as children", "POST", "/v1/families",
                json: #"{"reference":"F-ARR","contactSurname":"А","contactGivenNames":"","phone":"+7 913 000 00 00","address":"","lowIncomeUntil":"2030-01-01","children":["#
                    + Array(repeating: "1", count: 200_000).joined(separator: ",") + "]}",
                .problem(422, "invalid_input"))
        request("200,000 weekdays as open days", "PUT", "/v1/centres/atlantis/open-days",
                json: #"{"openDays":["# + Array(repeating: #""monday""#, count: 100_000).joined(separator: ",") + "]}",
                .problem(404, "centre_not_found"))
        request("200,000 elements in an unknown field", "POST", "/v1/loans",
                json: #"{"family":"F-NOPE","unit":"КРВ-1-1","centre":"ryabinushka","x":["# + Array(repeating: "0", count: 200_000).joined(separator: ",") + "]}",
                .problem(404, "family_not_found"))
        request("60,000 keys in one object", "POST", "/v1/loans",
                json: "{" + (0..<60_000).map { #""k\#($0)":0"# }.joined(separator: ",") + "}", .problem(422, "invalid_input"))
        request("duplicate keys", "POST", "/v1/loans",
                json: #"{"family":"F-NOPE-1","family":"F-NOPE-2","unit":"КРВ-1-1","centre":"ryabinushka"}"#, .problem(404, "family_not_found"))
        request("a scalar instead of an object", "POST", "/v1/loans", json: "42", .problem(422, "invalid_input"))
        request("null instead of an object", "POST", "/v1/loans", json: "null", .problem(422, "invalid_input"))
        request("trailing garbage after the JSON", "POST", "/v1/loans", json: checkout + "}}", .problem(400, "malformed_request"))
        request("truncated JSON", "POST", "/v1/loans", json: String(checkout.dropLast(3)), .problem(400, "malformed_request"))

        // Numbers out of range.
        let rule = #"{"scope":{"centre":"ryabinushka","itemType":"cot"},"period":{"count":30,"unit":"days"},"renewalsAllowed":NUMBER}"#
        for number in ["1e400", "-1e400", "9223372036854775808", "-9223372036854775809", "1.5", "-1", "1e3", "NaN", "Infinity", "0x10", "\"1\""] {
            request("renewalsAllowed: \(number)", "PUT", "/v1/rules", json: rule.replacingOccurrences(of: "NUMBER", with: number),
                    number == "1e3" || number == "-1" ? .problem(422, "invalid_input") : .refused)
        }
        request("a loan period of 9223372036854775807 days", "PUT", "/v1/rules",
                json: #"{"scope":{},"period":{"count":9223372036854775807,"unit":"days"}}"#, .problem(422, "invalid_input"))
        request("safetyCheckDays of 9223372036854775807", "POST", "/v1/catalogue",
                json: #"{"code":"bomb","name":"x","category":"appliance","sanitiseAfterReturn":false,"safetyCheckDays":9223372036854775807}"#,
                .problem(422, "invalid_input"))
        for target in ["/v1/loans/-1", "/v1/loans/0", "/v1/loans/9223372036854775808", "/v1/loans/1.5", "/v1/loans/1e400",
                       "/v1/loans?limit=-5", "/v1/loans?limit=99999999999", "/v1/loans?limit=9223372036854775808",
                       "/v1/loans?limit=1.5", "/v1/loans?after=-1", "/v1/loans?after=9223372036854775808",
                       "/v1/audit?since=-1", "/v1/notices?since=1e400", "/v1/families?q=x&limit=0"] {
            request(target, "GET", target, .problem(422, "invalid_input"))
        }
        request("DELETE /v1/rules/-1", "DELETE", "/v1/rules/-1", .problem(422, "invalid_input"))
        request("DELETE /v1/reservations/9223372036854775807", "DELETE", "/v1/reservations/9223372036854775807",
                .problem(404, "reservation_not_found"))

        // Dates.
        for date in ["2026-02-30", "0000-01-01", "2026-13-01", "2026-00-10", "10000-01-01", "2026-1-1", "２０２６-01-01", "2026-01-01T00:00:00Z"] {
            if date != "2026-02-30" {  // APITests covers that one in the query
                request("due-before=\(date)", "GET", "/v1/loans?due-before=" + (date.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? date),
                        .problem(422, "invalid_input"))
            }
            request("closure from \(date)", "POST", "/v1/centres/ryabinushka/closures",
                    json: #"{"firstDay":"\#(date)","lastDay":"2026-12-31","kind":"holiday"}"#, .problem(422, "invalid_input"))
        }
        request("safety check on 0000-01-01", "POST", "/v1/units/%D0%9A%D0%A0%D0%92-1-1/safety-checks", json: #"{"on":"0000-01-01","passed":true}"#,
                .problem(422, "invalid_input"))
        request("a closure of 8,000 years", "POST", "/v1/centres/ryabinushka/closures",
                json: #"{"firstDay":"0001-01-01","lastDay":"9999-12-31","kind":"holiday"}"#, .problem(422, "invalid_input"))
        request("a closure ending before it starts", "POST", "/v1/centres/ryabinushka/closures",
                json: #"{"firstDay":"2026-12-31","lastDay":"2026-01-01","kind":"holiday"}"#, .problem(422, "invalid_input"))
        request("issuedAt on 2026-02-30", "POST", "/v1/loans",
                json: #"{"family":"F-NOPE","unit":"КРВ-1-1","centre":"ryabinushka","issuedAt":"2026-02-30T10:00:00Z"}"#,
                .problem(422, "invalid_input"))
        request("issuedAt in year 0", "POST", "/v1/loans",
                json: #"{"family":"F-NOPE","unit":"КРВ-1-1","centre":"ryabinushka","issuedAt":"0000-01-01T00:00:00Z"}"#, .refused)
        request("issuedAt as a number", "POST", "/v1/loans",
                json: #"{"family":"F-NOPE","unit":"КРВ-1-1","centre":"ryabinushka","issuedAt":1e400}"#, .refused)
        request("a birth date of 2026-13-01", "POST", "/v1/families",
                json: #"{"reference":"F-DATE","contactSurname":"А","contactGivenNames":"","phone":"+7 913 000 00 00","address":"","lowIncomeUntil":"2030-01-01","children":[{"birthDate":"2026-13-01"}]}"#,
                .problem(422, "invalid_input"))

        // Names that try to reach outside the backup directory.
        for name in ["../../etc/passwd.sqlite", "/etc/rentald.sqlite", ".hidden.sqlite", "a/../b.sqlite", "nul\u{0}.sqlite", "x.sqlite\n"] {
            let encoded = String(decoding: (try? JSONEncoder().encode(["name": name])) ?? Data(), as: UTF8.self)
            request("backup named \(name.debugDescription)", "POST", "/v1/backups", json: encoded, .problem(422, "invalid_input"))
        }
        return cases
    }
}

/// One HTTP response read off a raw socket.
struct RawResponse: Sendable, CustomStringConvertible {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    var description: String {
        "\(status) \(String(decoding: body.prefix(300), as: UTF8.self))"
    }
}

/// What came back for bytes written to a raw connection.
struct RawExchange: Sendable, CustomStringConvertible {
    var responses: [RawResponse] = []
    /// The daemon closed the connection (rather than the deadline passing).
    var closed = false
    /// Bytes left over that do not make a whole response.
    var leftover: [UInt8] = []
    /// How many of the request bytes were written before the daemon stopped reading or closed.
    var sent = 0

    var description: String {
        "responses \(responses), closed \(closed), \(leftover.count) bytes left over, \(sent) bytes sent"
    }

    /// What is wrong with this exchange for `input` (empty when nothing is).
    func problems(for input: HostileInput) -> [String] {
        var problems: [String] = []
        if responses.contains(where: { $0.status >= 500 }) { problems.append("a 5xx answer: \(self)") }
        if !leftover.isEmpty { problems.append("a partial response: \(self)") }
        if !closed { problems.append("the connection was neither answered to the end nor closed: \(self)") }
        for response in responses where response.status >= 400 && !response.body.isEmpty {
            let problem = try? RentalJSON.decoder().decode(Problem.self, from: Data(response.body))
            if response.headers["content-type"] != RentalAPI.problemMediaType || problem?.status != response.status
                || problem?.type.hasPrefix("urn:rentalkit:problem:") != true {
                problems.append("a \(response.status) without an RFC 9457 problem body: \(response)")
            }
        }
        let first = responses.first
        switch input.outcome {
        case .problem(let status, let code):
            if first?.status != status {
                problems.append("expected \(status) first: \(self)")
            } else if let code, let first, (try? RentalJSON.decoder().decode(Problem.self, from: Data(first.body)))?.code != code {
                problems.append("expected code \(code): \(first)")
            }
        case .refused:
            // The codec's 400 malformed_request or another problem; nothing served.
            if let first, !(400..<500).contains(first.status) { problems.append("expected a refusal: \(self)") }
        case .served(let status):
            if responses.isEmpty || !responses.allSatisfy({ $0.status == status }) { problems.append("expected \(status): \(self)") }
        }
        if input.followUp {
            if responses.count != 2 || responses.last?.status != 200 {
                problems.append("the health request that followed on the same connection was not answered 200: \(self)")
            }
        }
        return problems
    }
}

/// A blocking exchange run on its own thread, so that it never holds one of the few cooperative threads.
final class BackgroundExchange: @unchecked Sendable {
    private let lock = NSLock()
    private var value: RawExchange?
    private var waiter: CheckedContinuation<RawExchange, Never>?

    init(_ work: @escaping @Sendable () -> RawExchange) {
        Thread.detachNewThread { [self] in
            let result = work()
            lock.lock()
            value = result
            let waiting = waiter
            waiter = nil
            lock.unlock()
            waiting?.resume(returning: result)
        }
    }

    var isDone: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value != nil
    }

    func result() async -> RawExchange {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let value {
                lock.unlock()
                continuation.resume(returning: value)
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }
}

/// Raw HTTP/1.1 over the Unix socket, with blocking system calls.
enum RawHTTP {
    /// A request with `Host`, the body's `content-type` and `content-length` (`contentLength` overrides
    /// it), then `Connection: close`, or a `GET /v1/health` with `Connection: close` when `followUp`.
    static func request(_ method: String, _ target: String, headers: [String] = [], body: [UInt8]? = nil,
                        contentType: String? = "application/json", contentLength: Int? = nil, followUp: Bool,
                        close: Bool = true) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        if let body {
            if let contentType { head += "content-type: \(contentType)\r\n" }
            head += "content-length: \(contentLength ?? body.count)\r\n"
        }
        for header in headers { head += header + "\r\n" }
        if !followUp, close { head += "Connection: close\r\n" }
        var bytes = Array((head + "\r\n").utf8) + (body ?? [])
        if followUp { bytes += Array("GET /v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8) }
        return bytes
    }

    /// A blocking exchange on a background thread.
    static func exchange(_ socketPath: String, _ bytes: [UInt8], deadline seconds: Double = 10,
                         halfClose: Bool = false) async -> RawExchange {
        await BackgroundExchange { exchange(socketPath, bytes, deadline: seconds, halfClose: halfClose) }.result()
    }

    /// Writes `bytes` (reading answers meanwhile, as a daemon may answer before the body is read), then
    /// reads until the daemon closes the connection or `seconds` pass. `halfClose`: then shuts the writing
    /// side, as `printf … | nc -U` does.
    static func exchange(_ socketPath: String, _ bytes: [UInt8], deadline seconds: Double, halfClose: Bool = false) -> RawExchange {
        var result = RawExchange()
        guard let fd = connectNonBlocking(socketPath) else { return result }
        defer { close(fd) }
        let deadline = Date().addingTimeInterval(seconds)
        var received: [UInt8] = []
        var writing = true
        while Date() < deadline {
            if writing, result.sent == bytes.count {
                writing = false
                if halfClose { shutdown(fd, Int32(SHUT_WR)) }
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN) | (writing ? Int16(POLLOUT) : 0), revents: 0)
            let ready = poll(&poller, 1, 50)
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 { continue }
            if poller.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                if !readAvailable(fd, into: &received) {
                    result.closed = true
                    break
                }
            }
            if writing, poller.revents & Int16(POLLOUT) != 0 {
                let count = bytes[result.sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if count > 0 {
                    result.sent += count
                } else if count < 0, errno != EAGAIN, errno != EINTR {
                    writing = false  // the daemon closed its side; read what it answered
                }
            }
        }
        (result.responses, result.leftover) = parse(received)
        return result
    }

    /// Sends `head`, then one byte of `trickled` per `interval`, then `tail`; reads the answer.
    static func trickle(_ socketPath: String, head: [UInt8], trickled: [UInt8], tail: [UInt8], every interval: Duration) -> RawExchange {
        var result = RawExchange()
        guard let fd = connectNonBlocking(socketPath) else { return result }
        defer { close(fd) }
        let pause = UInt32(interval.components.seconds * 1_000_000 + interval.components.attoseconds / 1_000_000_000_000)
        func put(_ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let count = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if count > 0 { offset += count } else if errno != EAGAIN, errno != EINTR { return false } else { usleep(1000) }
            }
            result.sent += bytes.count
            return true
        }
        guard put(head) else { return result }
        for byte in trickled {
            usleep(pause)
            guard put([byte]) else { return result }
        }
        guard put(tail) else { return result }
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            if !readAvailable(fd, into: &received) {
                result.closed = true
                break
            }
        }
        (result.responses, result.leftover) = parse(received)
        return result
    }

    /// Writes as much of `bytes` as the daemon takes within `holdFor`, never reading; then closes.
    static func neverRead(_ socketPath: String, _ bytes: [UInt8], holdFor duration: Duration) -> RawExchange {
        var result = RawExchange()
        guard let fd = connectNonBlocking(socketPath) else { return result }
        defer { close(fd) }
        let deadline = Date().addingTimeInterval(Double(duration.components.seconds))
        while Date() < deadline, result.sent < bytes.count {
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let count = bytes[result.sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 { result.sent += count } else if errno != EAGAIN, errno != EINTR { break }
        }
        while Date() < deadline { usleep(50_000) }
        result.closed = true
        return result
    }

    /// Reads what is there; false at the end of the stream (or a reset).
    private static func readAvailable(_ fd: Int32, into received: inout [UInt8]) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count > 0 {
                received += buffer.prefix(count)
            } else if count < 0, errno == EAGAIN || errno == EINTR {
                return true
            } else {
                return false
            }
        }
    }

    private static func connectNonBlocking(_ path: String) -> Int32? {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return fd
    }

    /// Whole responses (by `content-length`) and what is left.
    static func parse(_ bytes: [UInt8]) -> ([RawResponse], [UInt8]) {
        var responses: [RawResponse] = []
        var rest = bytes[...]
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while let end = rest.firstRange(of: separator) {
            let head = String(decoding: rest[rest.startIndex..<end.lowerBound], as: UTF8.self)
            let lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.first?.split(separator: " ") ?? []
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else { break }
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            guard rest.distance(from: end.upperBound, to: rest.endIndex) >= length else { break }
            let bodyEnd = rest.index(end.upperBound, offsetBy: length)
            responses.append(RawResponse(status: status, headers: headers, body: Array(rest[end.upperBound..<bodyEnd])))
            rest = rest[bodyEnd...]
        }
        return (responses, Array(rest))
    }
}
