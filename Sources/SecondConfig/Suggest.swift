/// "Did you mean" suggestions for mistyped keys.
enum Suggest {
    /// The closest candidate within edit distance 2 (case-insensitive), or one
    /// that the word is a prefix of / that is a prefix of the word. Ties go to
    /// the alphabetically first candidate so messages are stable.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = word.lowercased()
        var best: (candidate: String, score: Int)?
        for candidate in candidates.sorted() {
            let other = candidate.lowercased()
            var score = Int.max
            let distance = editDistance(lowered, other, limit: 2)
            if distance <= 2 { score = distance }
            else if !lowered.isEmpty, other.hasPrefix(lowered) || lowered.hasPrefix(other), min(lowered.count, other.count) >= 2 {
                score = 3
            }
            guard score != Int.max else { continue }
            if let current = best, current.score <= score { continue }
            best = (candidate, score)
        }
        return best?.candidate
    }

    /// Levenshtein distance over Characters; stops early once every entry in a row exceeds `limit`.
    static func editDistance(_ a: String, _ b: String, limit: Int = .max) -> Int {
        let x = Array(a), y = Array(b)
        if abs(x.count - y.count) > limit { return limit + 1 }
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            var rowMin = current[0]
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                rowMin = min(rowMin, current[j])
            }
            if rowMin > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
