import Foundation

/// One line of the final table.
struct Row: Sendable {
    /// What is measured.
    var figure: String
    /// The measurement.
    var measured: String
    /// What it is compared with (the baseline and its value).
    var baseline: String
    /// measured / baseline (or the reverse for times, as the target says).
    var ratio: String
    /// The target from the issue, or "—".
    var target: String
    /// yes, NO, or "—" when there is no target.
    var met: String

    init(_ figure: String, measured: String, baseline: String = "—", ratio: String = "—", target: String = "—",
         met: Bool? = nil) {
        self.figure = figure
        self.measured = measured
        self.baseline = baseline
        self.ratio = ratio
        self.target = target
        self.met = met.map { $0 ? "yes" : "NO" } ?? "—"
    }

    init(cells: [String]) {
        figure = cells[0]
        measured = cells[1]
        baseline = cells[2]
        ratio = cells[3]
        target = cells[4]
        met = cells[5]
    }

    var cells: [String] { [figure, measured, baseline, ratio, target, met] }

    static let header = ["figure", "measured", "baseline", "ratio", "target", "met?"]
}

/// The table: rows written to a TSV file as they are measured (so nothing is lost if a later figure
/// cannot run), then printed aligned and written as Markdown with the peer's lines.
enum Report {
    /// Appends a row to the TSV file and echoes it.
    static func record(_ row: Row, to file: String) {
        let line = row.cells.map { $0.replacingOccurrences(of: "\t", with: " ") }.joined(separator: "\t") + "\n"
        if let handle = FileHandle(forWritingAtPath: file) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            handle.closeFile()
        } else {
            _ = FileManager.default.createFile(atPath: file, contents: Data(line.utf8))
        }
        say("  → \(row.figure): \(row.measured)" + (row.ratio == "—" ? "" : " (\(row.ratio) of \(row.baseline))")
              + (row.met == "—" ? "" : " [target \(row.target): \(row.met)]"))
    }

    /// Reads rows from a TSV file.
    static func rows(tsv path: String) -> [Row] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return cells.count == 6 ? Row(cells: cells) : nil
        }
    }

    /// Splits a peer script's output into table rows and notes. Rows are
    /// `peer: FIGURE: rentald X, compendium-ils Y, ratio Z× (target ≥ T×)` (benchmarks/peer/run.sh),
    /// `| a | b | c | d | e | f |`, or six tab-separated cells after `ROW\t`; every other line that is not
    /// blank or a Markdown rule is a note.
    static func peer(output path: String) -> (rows: [Row], notes: [String]) {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        var rows: [Row] = []
        var notes: [String] = []
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if let row = peerFigure(line) {
                rows.append(row)
                continue
            }
            if line.hasPrefix("ROW\t") {
                let cells = line.split(separator: "\t", omittingEmptySubsequences: false).dropFirst().map(String.init)
                if cells.count == 6 { rows.append(Row(cells: cells)); continue }
            }
            if line.hasPrefix("|") {
                let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                if cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) { continue }  // a Markdown rule
                if cells.count == 6, cells != Row.header, cells.first != "figure" { rows.append(Row(cells: cells)); continue }
            }
            if !line.isEmpty { notes.append(line) }
        }
        return (rows, notes)
    }

    /// A `peer: FIGURE: rentald X, compendium-ils Y, ratio Z× (target ≥ T×)` line as a row.
    static func peerFigure(_ line: String) -> Row? {
        guard line.hasPrefix("peer: "), !line.hasPrefix("peer: note:"),
              let ours = line.range(of: ": rentald "), let theirs = line.range(of: ", compendium-ils ", range: ours.upperBound..<line.endIndex),
              let ratio = line.range(of: ", ratio ", range: theirs.upperBound..<line.endIndex) else { return nil }
        let figure = String(line[line.index(line.startIndex, offsetBy: 6)..<ours.lowerBound])
        let rest = line[ratio.upperBound...]
        let ratioText = String(rest.prefix { $0 != " " })
        let value = Double(ratioText.filter { $0.isNumber || $0 == "." })
        var target = "—"
        var threshold: Double?
        if let open = rest.range(of: "(target "), let close = rest.range(of: ")", range: open.upperBound..<rest.endIndex) {
            target = String(rest[open.upperBound..<close.lowerBound]) + " faster"
            threshold = Double(target.filter { $0.isNumber || $0 == "." })
        }
        return Row("vs compendium-ils: " + figure, measured: "rentald " + line[ours.upperBound..<theirs.lowerBound],
                   baseline: "compendium-ils " + line[theirs.upperBound..<ratio.lowerBound], ratio: ratioText, target: target,
                   met: threshold.flatMap { limit in value.map { $0 >= limit } })
    }

    /// The table as aligned text.
    static func text(_ rows: [Row]) -> String {
        let all = [Row.header] + rows.map(\.cells)
        var widths = Array(repeating: 0, count: 6)
        for cells in all { for (index, cell) in cells.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: " | ")
        }
        var text = line(Row.header) + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-") + "\n"
        for row in rows { text += line(row.cells) + "\n" }
        return text
    }

    /// The table as Markdown.
    static func markdown(_ rows: [Row]) -> String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        return ([line(Row.header), "|---|---:|---|---:|---|---|"] + rows.map { line($0.cells) }).joined(separator: "\n") + "\n"
    }

    /// The machine, for the heading: cores and CPU model.
    static func machine() -> String {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?" } ?? "unknown CPU"
        let memory = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8))?.split(separator: "\n").first
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
            .map { String(format: ", %.0f GiB RAM", Double($0) / 1_048_576) } ?? ""
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores (nproc), \(model)\(memory)"
    }
}
