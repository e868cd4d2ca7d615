import Foundation
import Glibc

/// `rental-bench`: the benchmarks of issue 8, measured side by side with their physical baselines.
///
/// - `rental-bench run --rentald BIN --rentalctl BIN --work DIR --rows FILE [--quick] [--group-commit auto|off] [--only LIST]`
///   measures every figure and appends one row per figure to FILE (tab-separated).
/// - `rental-bench report --rows FILE [--peer FILE] [--markdown FILE] [--title TEXT]` prints the table
///   (with a peer script's rows and notes) and writes it as Markdown.
/// - `rental-bench serve-fixed --socket PATH --response FILE --ready FILE` is the raw socket baseline server.
///
/// `benchmarks/run.sh` builds the release binaries and runs these; use it rather than calling them.
@main
struct RentalBench {
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let command = arguments.isEmpty ? "" : arguments.removeFirst()
        signal(SIGTERM) { _ in
            ChildProcess.stopAll()
            _exit(143)
        }
        signal(SIGINT) { _ in
            ChildProcess.stopAll()
            _exit(130)
        }
        signal(SIGPIPE, SIG_IGN)
        do {
            switch command {
            case "run": try await run(BenchOptions.parse(arguments))
            case "report": try report(arguments)
            case "serve-fixed": try serveFixed(arguments)
            default:
                FileHandle.standardError.write(Data("usage: rental-bench run|report|serve-fixed … (see benchmarks/run.sh)\n".utf8))
                exit(64)
            }
        } catch {
            ChildProcess.stopAll()
            FileHandle.standardError.write(Data("rental-bench: \(error)\n".utf8))
            exit(1)
        }
        ChildProcess.stopAll()
    }

    /// Measures every figure asked for.
    static func run(_ options: BenchOptions) async throws {
        try FileManager.default.createDirectory(atPath: options.work, withIntermediateDirectories: true)
        let record: (Row) -> Void = { Report.record($0, to: options.rows) }
        let loadAtStart = ChildProcess.loadAverage()
        say("rental-bench \(options.quick ? "quick" : "long") mode in \(options.work)")
        if options.runs("checkout") || options.runs("socket") {
            try await CheckoutFigures(options: options, record: record).run()
        }
        if options.runs("memory") || options.runs("oneshot") {
            try await ProcessFigures(options: options, record: record).run()
        }
        if options.runs("holds") {
            try await HoldFigures(options: options, record: record).run()
        }
        if options.runs("json") {
            try EncoderFigures(options: options, record: record).run()
        }
        if options.runs("overdue") || options.runs("startup") || options.runs("reports") {
            try await OverdueFigures(options: options, record: record).run()
        }
        if options.runs("import") {
            try await ImportFigures(options: options, record: record).run()
        }
        record(Row("load average (1 min) at start / end of the run", measured: "\(loadAtStart) / \(ChildProcess.loadAverage())",
                   baseline: "\(ProcessInfo.processInfo.activeProcessorCount) cores: other work on the machine skews absolute figures"))
        let problems = Daemon.stopProblems.value
        let stops = Daemon.stops.value
        record(Row("rentald stopped by SIGTERM (after its handler shows in /proc)",
                   measured: problems.isEmpty ? "\(stops) of \(stops) clean" : "\(stops - problems.count) of \(stops) clean; " + problems.joined(separator: "; ")))
    }

    /// Prints the final table and writes it as Markdown.
    static func report(_ arguments: [String]) throws {
        var rowsFile = ""
        var peerFile: String?
        var markdownFile: String?
        var title = "rental-bench"
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            let value = iterator.next() ?? ""
            switch argument {
            case "--rows": rowsFile = value
            case "--peer": peerFile = value
            case "--markdown": markdownFile = value
            case "--title": title = value
            default: throw BenchError("report: unknown option \(argument)")
            }
        }
        var rows = Report.rows(tsv: rowsFile)
        var notes: [String] = []
        if let peerFile {
            let peer = Report.peer(output: peerFile)
            rows += peer.rows
            notes = peer.notes
        }
        let machine = Report.machine()
        let date = ISO8601DateFormatter().string(from: Date())
        print("\n\(title)\nmachine: \(machine)\ndate: \(date)\n")
        print(Report.text(rows))
        if !notes.isEmpty { print("peer notes:\n" + notes.map { "  " + $0 }.joined(separator: "\n")) }
        let missed = rows.filter { $0.met == "NO" }.map(\.figure)
        print(missed.isEmpty ? "every target with a figure is met" : "targets not met: \(missed.count)")
        if let markdownFile {
            var text = "## \(title)\n\n- machine: \(machine)\n- date: \(date)\n\n" + Report.markdown(rows)
            if !notes.isEmpty { text += "\nPeer notes:\n\n" + notes.map { "- " + $0 }.joined(separator: "\n") + "\n" }
            try text.write(toFile: markdownFile, atomically: true, encoding: .utf8)
            print("markdown: \(markdownFile)")
        }
    }

    /// The raw socket baseline server.
    static func serveFixed(_ arguments: [String]) throws {
        var socket = ""
        var response = ""
        var ready = ""
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            let value = iterator.next() ?? ""
            switch argument {
            case "--socket": socket = value
            case "--response": response = value
            case "--ready": ready = value
            default: throw BenchError("serve-fixed: unknown option \(argument)")
            }
        }
        guard let bytes = FileManager.default.contents(atPath: response), !bytes.isEmpty, !socket.isEmpty, !ready.isEmpty else {
            throw BenchError("serve-fixed needs --socket, --response (a non-empty file) and --ready")
        }
        try FixedServer.serve(socketPath: socket, response: Array(bytes), readyFile: ready)
    }
}
