#include "buildlogmodel.h"

#include "ansi.h"

#include <QClipboard>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QStringDecoder>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <climits>
#include <cstring>
#include <limits>
#include <thread>
#include <utility>

namespace Meshdeck::Console {

Q_LOGGING_CATEGORY(lcBuildLog, "meshdeck.console.buildlog", QtInfoMsg)

namespace {
constexpr qint64 ReadBlock = 4 << 20;  // bytes a worker reads at a time
constexpr size_t ChunkLines = 1 << 16; // lines a worker hands over at a time
constexpr qsizetype CheckCancelEvery = 4096;
} // namespace

struct BuildLogModel::Decoded {
    QString text;
    QVariantList segments;
    QString richText;
    bool isError = false;
};

// What an indexing pass found: where lines [firstLine, firstLine + starts.size()) start.
struct BuildLogModel::IndexChunk {
    std::shared_ptr<Job> job;
    qint64 firstLine = 0;
    std::vector<qint64> starts;
    std::vector<qint64> errors;
    qint64 endByte = 0;
    bool tailOpen = false;
    bool last = false;
    bool shrunk = false; // the file is shorter than what was indexed: it was replaced
    QString failure;
};

struct BuildLogModel::FilterChunk {
    std::shared_ptr<Job> job;
    std::vector<qint64> matches;
    qint64 scannedTo = 0;
    bool last = false;
    QString failure;
};

namespace {

// Calls `line(start, next, bytes)` for each line (`next`: where the next one starts) in the bytes [from, to)
// of `file`, split at '\n'; a last piece without one is a line too, and the result says so (`tailOpen`).
// Lines are passed cut at `cap` bytes. Stops early when `keepGoing()` returns false.
struct Scan {
    QString failure;
    bool tailOpen = false;
};

template<typename LineFn, typename KeepGoing>
Scan forEachLine(QFile &file, qint64 from, qint64 to, qsizetype cap, LineFn line, KeepGoing keepGoing)
{
    Scan scan;
    if (from >= to)
        return scan;
    if (!file.seek(from)) {
        scan.failure = file.errorString();
        return scan;
    }
    QByteArray carry; // the start of a line that a later block ends (at most `cap` bytes)
    qint64 lineStart = from;
    qint64 pos = from;
    // One buffer for every block: a fresh 4 MiB allocation each time costs more in page faults
    // than the scan itself.
    QByteArray buffer(qMin(ReadBlock, to - from), Qt::Uninitialized);
    while (pos < to) {
        const qint64 got = file.read(buffer.data(), qMin(qint64(buffer.size()), to - pos));
        const QByteArrayView block(buffer.constData(), qMax<qint64>(got, 0));
        if (block.isEmpty()) {
            scan.failure =
                file.errorString().isEmpty() ? QStringLiteral("the file ended early") : file.errorString();
            return scan;
        }
        const char *p = block.constData();
        qsizetype off = 0;
        while (off < block.size()) {
            const void *found = std::memchr(p + off, '\n', size_t(block.size() - off));
            if (!found)
                break;
            const qsizetype nl = static_cast<const char *>(found) - p;
            if (lineStart < pos) { // begun in an earlier block
                carry.append(p + off, qMin(nl - off, qMax<qsizetype>(0, cap - carry.size())));
                line(lineStart, pos + nl + 1, QByteArrayView(carry));
                carry.clear();
            } else {
                line(lineStart, pos + nl + 1, QByteArrayView(p + off, qMin(nl - off, cap)));
            }
            off = nl + 1;
            lineStart = pos + off;
            if (!keepGoing())
                return scan;
        }
        if (off < block.size())
            carry.append(p + off, qMin(block.size() - off, qMax<qsizetype>(0, cap - carry.size())));
        pos += block.size();
    }
    if (lineStart < to) {
        scan.tailOpen = true;
        line(lineStart, to, QByteArrayView(carry));
    }
    return scan;
}

// Whether a byte is dropped or changes what a line shows: a control character other than the
// newline and tab (escape sequences start with one).
bool isSpecial(unsigned char c)
{
    return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
}

// The first isSpecial() byte in p[from, n), or n. The filter reads every byte of the log through
// this and countNewlines(), so both take 16 bytes at a time where SSE2 is there.
qsizetype findSpecial(const char *p, qsizetype from, qsizetype n)
{
    qsizetype i = from;
#ifdef __SSE2__
    const __m128i controlMax = _mm_set1_epi8(0x1f);
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i tab = _mm_set1_epi8('\t');
    const __m128i del = _mm_set1_epi8(0x7f);
    for (; i + 16 <= n; i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i));
        const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, controlMax), v); // v <= 0x1f, unsigned
        const __m128i allowed = _mm_or_si128(_mm_cmpeq_epi8(v, newline), _mm_cmpeq_epi8(v, tab));
        const __m128i special = _mm_or_si128(_mm_andnot_si128(allowed, control), _mm_cmpeq_epi8(v, del));
        if (const int mask = _mm_movemask_epi8(special))
            return i + __builtin_ctz(unsigned(mask));
    }
#endif
    for (; i < n; ++i) {
        if (isSpecial(static_cast<unsigned char>(p[i])))
            return i;
    }
    return n;
}

qint64 countNewlines(QByteArrayView block)
{
    const char *p = block.data();
    const qsizetype n = block.size();
    qint64 count = 0;
    qsizetype i = 0;
#ifdef __SSE2__
    // Per-byte counters (a match is -1: subtracted), summed before any of them can overflow; no
    // popcount, which without -mpopcnt is a library call for every 16 bytes.
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        __m128i counts = zero;
        const qsizetype stop = qMin(n - 15, i + 255 * 16);
        for (; i < stop; i += 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i));
            counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(v, newline));
        }
        const __m128i sums = _mm_sad_epu8(counts, zero);
        count += _mm_cvtsi128_si64(sums) + _mm_extract_epi16(sums, 4);
    }
#endif
    for (; i < n; ++i)
        count += p[i] == '\n' ? 1 : 0;
    return count;
}

// Whether a block has a byte that isSpecial().
bool hasSpecial(QByteArrayView block)
{
    return findSpecial(block.data(), 0, block.size()) < block.size();
}

// Lines (ended by '\n', the last one perhaps not) without their escape sequences, into `out`
// (whose memory is reused). Text and complete CSI sequences (colours, mostly) are handled here,
// writing straight into `out`; a line with anything else (a carriage return, another control
// character or escape, a sequence cut short) is read by Ansi::appendStripped as a whole, so the
// result is the same as Ansi's for every line.
void plainInto(QByteArrayView block, QByteArray &out, QByteArray &slow)
{
    const char *p = block.data();
    const qsizetype n = block.size();
    out.resize(n); // the plain text is never longer
    char *o = out.data();
    qsizetype w = 0;
    qsizetype pos = 0;
    qsizetype lineStart = 0; // of the line being read, in `block`
    qsizetype lineOut = 0;   // where it starts in `out`
    while (pos < n) {
        const qsizetype special = findSpecial(p, pos, n);
        if (special > pos) {
            std::memcpy(o + w, p + pos, size_t(special - pos));
            if (const void *nl = memrchr(p + pos, '\n', size_t(special - pos))) {
                lineStart = static_cast<const char *>(nl) - p + 1;
                lineOut = w + (lineStart - pos);
            }
            w += special - pos;
        }
        if (special >= n)
            break;
        if (p[special] == 0x1b && special + 1 < n && p[special + 1] == '[') {
            qsizetype j = special + 2;
            while (j < n && p[j] >= 0x30 && p[j] <= 0x3f)
                ++j;
            while (j < n && p[j] >= 0x20 && p[j] <= 0x2f)
                ++j;
            if (j < n && p[j] >= 0x40 && p[j] <= 0x7e) { // a complete CSI sequence: dropped
                pos = j + 1;
                continue;
            }
        }
        const void *after = std::memchr(p + special, '\n', size_t(n - special));
        const qsizetype lineEnd = after ? static_cast<const char *>(after) - p : n;
        slow.resize(0);
        Ansi::appendStripped(QByteArrayView(p + lineStart, lineEnd - lineStart), slow);
        std::memcpy(o + lineOut, slow.constData(), size_t(slow.size()));
        w = lineOut + slow.size();
        pos = lineEnd; // its newline is copied with what follows
    }
    out.truncate(w);
}

// Finds the lines that match a filter. Lines are searched a block at a time (one regular
// expression run over many lines joined by '\n', with ^ and $ at line boundaries), which is many
// times faster than one run per line; a match that spans lines is checked again on its first
// line alone, and patterns whose meaning depends on what lies outside a line (\A, \z, \Z, \G,
// lookarounds) are run line by line.
class LineMatcher
{
public:
    LineMatcher(const QString &pattern, bool regex)
    {
        const QString expression = regex ? pattern : QRegularExpression::escape(pattern);
        m_block = QRegularExpression(expression, QRegularExpression::CaseInsensitiveOption |
                                                     QRegularExpression::MultilineOption);
        m_line = QRegularExpression(expression, QRegularExpression::CaseInsensitiveOption);
        m_block.optimize();
        m_line.optimize();
        static const QRegularExpression seesBeyondALine(QStringLiteral(R"(\\[AzZG]|\(\?<?[=!])"));
        m_lineByLine = regex && seesBeyondALine.match(pattern).hasMatch();
    }

    // `text` holds `lineCount` lines, each followed by '\n'; the first is line `firstLine`.
    void matchBlock(const QString &text, qint64 firstLine, qint64 lineCount, std::vector<qint64> &out) const
    {
        const qsizetype size = text.size();
        if (m_lineByLine) {
            qsizetype start = 0;
            for (qint64 i = 0; i < lineCount && start < size; ++i) {
                qsizetype nl = text.indexOf(QLatin1Char('\n'), start);
                if (nl < 0)
                    nl = size;
                if (lineMatches(text, start, nl))
                    out.push_back(firstLine + i);
                start = nl + 1;
            }
            return;
        }
        qsizetype lineStart = 0;
        qint64 line = firstLine;
        while (lineStart < size) {
            // The text came from QString::fromUtf8: valid UTF-16, no need to check it again on
            // every call (which would make a block with many matches quadratic).
            const QRegularExpressionMatch match =
                m_block.match(text, lineStart, QRegularExpression::NormalMatch,
                              QRegularExpression::DontCheckSubjectStringMatchOption);
            if (!match.hasMatch())
                break;
            const qsizetype at = match.capturedStart();
            qsizetype nl = text.indexOf(QLatin1Char('\n'), lineStart);
            while (nl >= 0 && nl < at) {
                lineStart = nl + 1;
                ++line;
                nl = text.indexOf(QLatin1Char('\n'), lineStart);
            }
            if (nl < 0 || at >= size)
                break;
            if (match.capturedEnd() <= nl || lineMatches(text, lineStart, nl))
                out.push_back(line);
            lineStart = nl + 1;
            ++line;
        }
    }

private:
    bool lineMatches(const QString &text, qsizetype start, qsizetype end) const
    {
        return m_line
            .match(QString::fromRawData(text.constData() + start, end - start), 0,
                   QRegularExpression::NormalMatch, QRegularExpression::DontCheckSubjectStringMatchOption)
            .hasMatch();
    }

    QRegularExpression m_block;
    QRegularExpression m_line;
    bool m_lineByLine = false;
};

// Whether bytes are well-formed UTF-8 (as PCRE2 defines it: no overlong forms, no surrogates,
// nothing above U+10FFFF). Runs of ASCII are skipped 16 bytes at a time.
bool isValidUtf8(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    while (i < n) {
#ifdef __SSE2__
        while (i + 16 <= n &&
               _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i))) == 0)
            i += 16;
#endif
        if (i >= n)
            break;
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        qsizetype length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            length = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            length = 3;
            if (c == 0xe0)
                low = 0xa0; // overlong
            else if (c == 0xed)
                high = 0x9f; // surrogates
        } else if (c >= 0xf0 && c <= 0xf4) {
            length = 4;
            if (c == 0xf0)
                low = 0x90; // overlong
            else if (c == 0xf4)
                high = 0x8f; // above U+10FFFF
        } else {
            return false;
        }
        if (i + length > n || p[i + 1] < low || p[i + 1] > high)
            return false;
        for (qsizetype k = 2; k < length; ++k) {
            if (p[i + k] < 0x80 || p[i + k] > 0xbf)
                return false;
        }
        i += length;
    }
    return true;
}

// The same search as LineMatcher, with the same PCRE2 options QRegularExpression uses (UTF,
// caseless, JIT), but in PCRE2's 8-bit library over the log's UTF-8 bytes as they are: no
// decoding to UTF-16, which cost more than the search itself at a million lines. The bytes must be
// valid UTF-8 (isValidUtf8()); a block that is not goes to LineMatcher, where each invalid
// sequence is U+FFFD as everywhere else in the console. matchBlock() returns false when PCRE2
// could not run (no match was decided): the caller asks LineMatcher then.
class Utf8LineMatcher
{
public:
    Utf8LineMatcher(const QString &pattern, bool regex)
    {
        const QByteArray expression = (regex ? pattern : QRegularExpression::escape(pattern)).toUtf8();
        int error = 0;
        PCRE2_SIZE offset = 0;
        const uint32_t options = PCRE2_UTF | PCRE2_CASELESS;
        m_block =
            pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expression.constData()), size_t(expression.size()),
                          options | PCRE2_MULTILINE, &error, &offset, nullptr);
        m_line = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expression.constData()),
                               size_t(expression.size()), options, &error, &offset, nullptr);
        if (!m_block || !m_line)
            return;
        pcre2_jit_compile(m_block, PCRE2_JIT_COMPLETE);
        pcre2_jit_compile(m_line, PCRE2_JIT_COMPLETE);
        m_data = pcre2_match_data_create(1, nullptr);
        m_context = pcre2_match_context_create(nullptr);
        m_stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, nullptr);
        if (m_context && m_stack)
            pcre2_jit_stack_assign(m_context, nullptr, m_stack);
        static const QRegularExpression seesBeyondALine(QStringLiteral(R"(\\[AzZG]|\(\?<?[=!])"));
        m_lineByLine = regex && seesBeyondALine.match(pattern).hasMatch();
    }
    ~Utf8LineMatcher()
    {
        pcre2_jit_stack_free(m_stack);
        pcre2_match_context_free(m_context);
        pcre2_match_data_free(m_data);
        pcre2_code_free(m_line);
        pcre2_code_free(m_block);
    }
    Utf8LineMatcher(const Utf8LineMatcher &) = delete;
    Utf8LineMatcher &operator=(const Utf8LineMatcher &) = delete;

    bool isValid() const { return m_block && m_line && m_data && m_context; }

    // `text` holds `lineCount` lines of valid UTF-8, each followed by '\n'; the first is line
    // `firstLine`. Appends the matching lines to `out`; false (with `out` as it was) when PCRE2
    // failed.
    bool matchBlock(QByteArrayView text, qint64 firstLine, qint64 lineCount, std::vector<qint64> &out)
    {
        const size_t before = out.size();
        const char *p = text.data();
        const qsizetype size = text.size();
        if (m_lineByLine) {
            qsizetype start = 0;
            for (qint64 i = 0; i < lineCount && start < size; ++i) {
                const void *found = std::memchr(p + start, '\n', size_t(size - start));
                const qsizetype nl = found ? static_cast<const char *>(found) - p : size;
                const int matched = lineMatches(p + start, nl - start);
                if (matched < 0) {
                    out.resize(before);
                    return false;
                }
                if (matched)
                    out.push_back(firstLine + i);
                start = nl + 1;
            }
            return true;
        }
        qsizetype lineStart = 0;
        qint64 line = firstLine;
        while (lineStart < size) {
            const int rc = pcre2_match(m_block, reinterpret_cast<PCRE2_SPTR>(p), size_t(size),
                                       size_t(lineStart), PCRE2_NO_UTF_CHECK, m_data, m_context);
            if (rc == PCRE2_ERROR_NOMATCH)
                break;
            if (rc < 0) {
                out.resize(before);
                return false;
            }
            const PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(m_data);
            const qsizetype at = qsizetype(ovector[0]);
            const qsizetype end = qsizetype(ovector[1]);
            const void *found = std::memchr(p + lineStart, '\n', size_t(size - lineStart));
            qsizetype nl = found ? static_cast<const char *>(found) - p : -1;
            while (nl >= 0 && nl < at) {
                lineStart = nl + 1;
                ++line;
                found = std::memchr(p + lineStart, '\n', size_t(size - lineStart));
                nl = found ? static_cast<const char *>(found) - p : -1;
            }
            if (nl < 0 || at >= size)
                break;
            bool matches = end <= nl;
            if (!matches) {
                const int matched = lineMatches(p + lineStart, nl - lineStart);
                if (matched < 0) {
                    out.resize(before);
                    return false;
                }
                matches = matched > 0;
            }
            if (matches)
                out.push_back(line);
            lineStart = nl + 1;
            ++line;
        }
        return true;
    }

private:
    // 1 when the line matches, 0 when not, -1 when PCRE2 failed.
    int lineMatches(const char *line, qsizetype length)
    {
        const int rc = pcre2_match(m_line, reinterpret_cast<PCRE2_SPTR>(line), size_t(length), 0,
                                   PCRE2_NO_UTF_CHECK, m_data, m_context);
        return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
    }

    pcre2_code *m_block = nullptr;
    pcre2_code *m_line = nullptr;
    pcre2_match_data *m_data = nullptr;
    pcre2_match_context *m_context = nullptr;
    pcre2_jit_stack *m_stack = nullptr;
    bool m_lineByLine = false;
};

// Tests the lines in the bytes [fromByte, toByte) of the file, the first of them line
// `firstLine`; the matches go to `found`, and every ChunkLines lines progress(scannedTo, found)
// may take them. Returns what went wrong, or an empty string.
template<typename Progress, typename Canceled>
QString filterRange(const QString &path, qint64 fromByte, qint64 toByte, qint64 firstLine,
                    const QString &pattern, bool regex, std::vector<qint64> &found, Progress progress,
                    Canceled canceled)
{
    const LineMatcher matcher(pattern, regex);
    Utf8LineMatcher utf8(pattern, regex);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(fromByte))
        return file.errorString();
    // Blocks of whole lines, each searched as it is (valid UTF-8) or decoded into one string; the
    // buffers are reused (fresh megabytes for every block cost more in page faults than the search).
    QByteArray buffer(qMin(ReadBlock, qMax<qint64>(toByte - fromByte, 1)), Qt::Uninitialized);
    QByteArray plain;
    QByteArray slow;
    QString text;
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    qint64 line = firstLine;
    qint64 posted = line;
    qint64 pos = fromByte;
    qsizetype have = 0;
    while (true) {
        if (pos < toByte && have < buffer.size()) {
            const qint64 got =
                file.read(buffer.data() + have, qMin(qint64(buffer.size() - have), toByte - pos));
            if (got <= 0)
                return file.errorString().isEmpty() ? QStringLiteral("the file ended early")
                                                    : file.errorString();
            have += got;
            pos += got;
        }
        const bool atEnd = pos >= toByte;
        if (have == 0 && atEnd)
            break;
        qsizetype usable = have;
        if (!atEnd) {
            const void *nl = memrchr(buffer.constData(), '\n', size_t(have));
            if (!nl) { // one line longer than the buffer: make room for it
                if (have == buffer.size())
                    buffer.resize(buffer.size() * 2);
                continue;
            }
            usable = static_cast<const char *>(nl) - buffer.constData() + 1;
        }
        QByteArrayView block(buffer.constData(), usable);
        const qint64 lines = countNewlines(block) + (block.endsWith('\n') ? 0 : 1);
        if (hasSpecial(block)) {
            plainInto(block, plain, slow);
            block = plain;
        }
        bool matched = false;
        if (utf8.isValid() && isValidUtf8(block)) {
            if (!block.endsWith('\n')) { // the file's last line: the matcher wants its newline
                if (block.data() != plain.constData())
                    plain = block.toByteArray();
                plain += '\n';
                block = plain;
            }
            matched = utf8.matchBlock(block, line, lines, found);
        }
        if (!matched) {
            text.resize(block.size() + 1);
            qsizetype length = decoder.appendToBuffer(text.data(), block) - text.constData();
            if (length == 0 || text.at(length - 1) != QLatin1Char('\n'))
                text[length++] = QLatin1Char('\n');
            text.resize(length);
            matcher.matchBlock(text, line, lines, found);
        }
        line += lines;
        std::memmove(buffer.data(), buffer.constData() + usable, size_t(have - usable));
        have -= usable;
        if (canceled())
            return {};
        if (line - posted >= qint64(ChunkLines) && !(atEnd && have == 0)) {
            posted = line;
            progress(line, found);
        }
    }
    return {};
}

// Appends bytes to a file; returns what went wrong, or an empty string.
QString appendToFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append) || file.write(bytes) != bytes.size() ||
        !file.flush())
        return file.errorString();
    return {};
}

} // namespace

BuildLogModel::BuildLogModel(QObject *parent)
    : StatefulListModel(parent)
    , m_cache(1024)
{
    m_pool.setMaxThreadCount(3); // indexing, filtering, writing or saving
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(16);
    connect(&m_flushTimer, &QTimer::timeout, this, &BuildLogModel::flush);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &BuildLogModel::startIndexing);
}

BuildLogModel::~BuildLogModel()
{
    for (const auto &job : {m_indexJob, m_filterJob, m_saveJob}) {
        if (job)
            job->canceled = true;
    }
    // No m_pool.clear(): a write still queued must land (canceled jobs end at once anyway).
    m_pool.waitForDone();
    finishWriting();
}

int BuildLogModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return int(filterActive() ? m_committedMatches : m_committedLines);
}

qint64 BuildLogModel::lineAt(int row) const
{
    return filterActive() ? m_matches[size_t(row)] : row;
}

qint64 BuildLogModel::lineEnd(qint64 line) const
{
    return size_t(line + 1) < m_starts.size() ? m_starts[size_t(line + 1)] : m_endByte;
}

QByteArray BuildLogModel::readLine(qint64 line) const
{
    const qint64 start = m_starts[size_t(line)];
    const qint64 length = lineEnd(line) - start;
    if (!m_reader.isOpen() || !m_reader.seek(start))
        return {};
    QByteArray bytes = m_reader.read(qMin<qint64>(length, MaxShownLineBytes + 1));
    if (bytes.endsWith('\n'))
        bytes.chop(1);
    return bytes;
}

const BuildLogModel::Decoded *BuildLogModel::decoded(qint64 line) const
{
    if (const Decoded *hit = m_cache.object(line))
        return hit;
    QByteArray bytes = readLine(line);
    qint64 cut = 0;
    const bool terminated = !(m_tailOpen && size_t(line) + 1 == m_starts.size());
    const qint64 length = lineEnd(line) - m_starts[size_t(line)] - (terminated ? 1 : 0);
    if (bytes.size() > MaxShownLineBytes) {
        bytes.truncate(MaxShownLineBytes);
        cut = length - MaxShownLineBytes;
    }
    auto *decoded = new Decoded;
    QList<Ansi::Segment> segments = Ansi::parse(bytes);
    if (cut > 0)
        segments.append(Ansi::Segment{
            tr(" [… %n more bytes of this line not shown]", nullptr, int(qMin<qint64>(cut, INT_MAX))),
            Ansi::paletteColor(8),
            {},
            false});
    for (const Ansi::Segment &segment : std::as_const(segments))
        decoded->text += segment.text;
    decoded->segments = Ansi::toVariantList(segments);
    decoded->richText = Ansi::toStyledText(segments);
    decoded->isError = std::binary_search(m_errorLines.begin(), m_errorLines.end(), line);
    m_cache.insert(line, decoded);
    return decoded;
}

QVariant BuildLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const qint64 line = lineAt(index.row());
    if (role == LineNumberRole)
        return line + 1;
    const Decoded *row = decoded(line);
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return row->text;
    case SegmentsRole:
        return row->segments;
    case RichTextRole:
        return row->richText;
    case IsErrorRole:
        return row->isError;
    default:
        return {};
    }
}

QHash<int, QByteArray> BuildLogModel::roleNames() const
{
    return {{LineNumberRole, "lineNumber"},
            {TextRole, "text"},
            {SegmentsRole, "segments"},
            {RichTextRole, "richText"},
            {IsErrorRole, "isError"}};
}

void BuildLogModel::setSource(const QUrl &source)
{
    if (source == m_source)
        return;
    m_source = source;
    Q_EMIT sourceChanged();
    reload();
}

void BuildLogModel::reload()
{
    for (const auto &job : {m_indexJob, m_filterJob}) {
        if (job)
            job->canceled = true;
    }
    finishWriting();
    m_indexJob.reset();
    m_indexAgain = false;
    beginResetModel();
    m_starts.clear();
    m_errorLines.clear();
    m_endByte = 0;
    m_tailOpen = false;
    m_committedLines = 0;
    m_loaded = false;
    m_matches.clear();
    m_committedMatches = 0;
    m_filterScannedTo = 0;
    m_cache.clear();
    m_reader.close();
    m_waitingLines.clear();
    m_writtenLines = 0;
    endResetModel();
    setFilterJob(nullptr);
    if (!m_path.isEmpty())
        m_watcher.removePath(m_path);
    m_path.clear();
    Q_EMIT lineCountChanged();
    setReadError({});
    setLoading(false);

    if (m_source.isEmpty())
        return;
    if (!m_source.isLocalFile()) {
        setReadError(tr("The build log %1 is not a local file.").arg(m_source.toDisplayString()));
        return;
    }
    m_path = m_source.toLocalFile();
    m_reader.setFileName(m_path);
    if (!m_reader.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        qCWarning(lcBuildLog) << "cannot open" << m_path << m_reader.errorString();
        setReadError(tr("The build log %1 could not be read: %2").arg(m_path, m_reader.errorString()));
        return;
    }
    m_watcher.addPath(m_path);
    setLoading(true);
    startIndexing();
}

void BuildLogModel::startIndexing()
{
    if (m_path.isEmpty() || !m_readError.isEmpty())
        return;
    if (m_indexJob) {
        m_indexAgain = true;
        return;
    }
    auto job = std::make_shared<Job>();
    m_indexJob = job;
    const qint64 firstLine = m_tailOpen ? qint64(m_starts.size()) - 1 : qint64(m_starts.size());
    const qint64 fromByte = m_tailOpen ? m_starts.back() : m_endByte;
    const QString path = m_path;
    m_pool.start([this, job, path, firstLine, fromByte] {
        auto chunk = std::make_shared<IndexChunk>();
        chunk->job = job;
        chunk->firstLine = firstLine;
        auto post = [this, &chunk, &job] {
            auto next = std::make_shared<IndexChunk>();
            next->job = job;
            next->firstLine = chunk->firstLine + qint64(chunk->starts.size());
            QMetaObject::invokeMethod(
                this, [this, chunk] { onIndexChunk(*chunk); }, Qt::QueuedConnection);
            chunk = std::move(next);
        };
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            chunk->failure = file.errorString();
            chunk->last = true;
            post();
            return;
        }
        const qint64 size = file.size();
        if (size < fromByte) {
            chunk->shrunk = true;
            chunk->last = true;
            post();
            return;
        }
        qint64 lineIndex = firstLine;
        const Scan scan = forEachLine(
            file, fromByte, size, MaxShownLineBytes,
            [&](qint64 start, qint64 next, QByteArrayView bytes) {
                chunk->starts.push_back(start);
                chunk->endByte = next;
                if (Ansi::isErrorLine(bytes))
                    chunk->errors.push_back(lineIndex);
                ++lineIndex;
            },
            [&] {
                if (chunk->starts.size() >= ChunkLines)
                    post();
                return !job->canceled.load();
            });
        if (job->canceled)
            return;
        chunk->failure = scan.failure;
        chunk->tailOpen = scan.tailOpen;
        chunk->endByte = scan.failure.isEmpty() ? size : qMax(chunk->endByte, fromByte);
        chunk->last = true;
        post();
    });
}

void BuildLogModel::onIndexChunk(const IndexChunk &chunk)
{
    if (chunk.job != m_indexJob)
        return; // a pass that was canceled by a reload
    if (chunk.shrunk) {
        qCInfo(lcBuildLog) << m_path << "was replaced; reading it again";
        reload();
        return;
    }
    // The open last line read again with nothing added: nothing changed.
    const bool sameTail = chunk.firstLine < qint64(m_starts.size()) && chunk.starts.size() == 1 &&
                          chunk.tailOpen && chunk.endByte == m_endByte;
    if (!chunk.starts.empty() && !sameTail) {
        if (chunk.firstLine < qint64(m_starts.size()))
            rewriteTail(chunk.firstLine);
        m_starts.insert(m_starts.end(), chunk.starts.begin(), chunk.starts.end());
        m_errorLines.insert(m_errorLines.end(), chunk.errors.begin(), chunk.errors.end());
        m_endByte = chunk.endByte;
        m_tailOpen = chunk.tailOpen;
    }
    if (!chunk.last) {
        scheduleFlush();
        startFilterJob();
        return;
    }
    m_indexJob.reset();
    if (!chunk.failure.isEmpty()) {
        qCWarning(lcBuildLog) << "cannot read" << m_path << chunk.failure;
        flush();
        setReadError(tr("The build log %1 could not be read: %2").arg(m_path, chunk.failure));
        setLoading(false);
        return;
    }
    if (!m_loaded) {
        m_loaded = true;
        m_writtenLines = qint64(m_starts.size());
        m_needsNewline = m_tailOpen;
        flush();
        setLoading(false);
        writePending();
    } else {
        scheduleFlush();
    }
    startFilterJob();
    if (m_indexAgain) {
        m_indexAgain = false;
        startIndexing();
    }
}

// The file's last line had no newline yet and has grown: the indexing pass read it again and
// hands it over once more. Its row stays where it is; what it shows, and whether the filter
// matches it, may change.
void BuildLogModel::rewriteTail(qint64 tail)
{
    Q_ASSERT(m_tailOpen && tail == qint64(m_starts.size()) - 1);
    m_starts.pop_back();
    if (!m_errorLines.empty() && m_errorLines.back() == tail)
        m_errorLines.pop_back();
    m_cache.remove(tail);
    if (!filterActive()) {
        if (tail < m_committedLines)
            Q_EMIT dataChanged(index(int(tail)), index(int(tail)));
        return;
    }
    if (m_filterJob && m_filterJob->toLine > tail) {
        m_filterJob->canceled = true;
        setFilterJob(nullptr);
    }
    if (m_filterScannedTo > tail) {
        if (!m_matches.empty() && m_matches.back() == tail) {
            if (m_committedMatches == qint64(m_matches.size())) {
                const int row = int(m_committedMatches) - 1;
                beginRemoveRows({}, row, row);
                m_matches.pop_back();
                --m_committedMatches;
                endRemoveRows();
            } else {
                m_matches.pop_back();
            }
        }
        m_filterScannedTo = tail;
    }
}

void BuildLogModel::scheduleFlush()
{
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void BuildLogModel::flush()
{
    m_flushTimer.stop();
    int added = 0;
    const qint64 lines = qint64(m_starts.size());
    const bool moreLines = lines != m_committedLines;
    if (!filterActive()) {
        if (lines > m_committedLines) {
            beginInsertRows({}, int(m_committedLines), int(lines) - 1);
            added = int(lines - m_committedLines);
            m_committedLines = lines;
            endInsertRows();
        }
    } else {
        m_committedLines = lines;
        const qint64 shown = qint64(m_matches.size());
        if (shown > m_committedMatches) {
            beginInsertRows({}, int(m_committedMatches), int(shown) - 1);
            added = int(shown - m_committedMatches);
            m_committedMatches = shown;
            endInsertRows();
        }
    }
    if (moreLines)
        Q_EMIT lineCountChanged();
    if (added > 0 && !m_following && m_loaded) {
        m_newWhilePaused += added;
        Q_EMIT newLinesWhilePausedChanged();
    }
}

void BuildLogModel::setFollowing(bool following)
{
    if (following == m_following)
        return;
    m_following = following;
    Q_EMIT followingChanged();
    if (following && m_newWhilePaused != 0) {
        m_newWhilePaused = 0;
        Q_EMIT newLinesWhilePausedChanged();
    }
}

int BuildLogModel::errorLineCount() const
{
    return int(std::lower_bound(m_errorLines.begin(), m_errorLines.end(), m_committedLines) -
               m_errorLines.begin());
}

void BuildLogModel::setFilterText(const QString &text)
{
    if (text == m_filterText)
        return;
    m_filterText = text;
    Q_EMIT filterTextChanged();
    restartFilter();
}

void BuildLogModel::setFilterIsRegex(bool regex)
{
    if (regex == m_filterIsRegex)
        return;
    m_filterIsRegex = regex;
    Q_EMIT filterIsRegexChanged();
    if (!m_filterText.isEmpty())
        restartFilter();
}

void BuildLogModel::restartFilter()
{
    if (m_filterJob)
        m_filterJob->canceled = true;
    setFilterJob(nullptr);
    flush(); // rows the old view owes are announced before it goes
    beginResetModel();
    m_matches.clear();
    m_committedMatches = 0;
    m_filterScannedTo = 0;
    QString error;
    if (m_filterIsRegex && !m_filterText.isEmpty()) {
        const QRegularExpression re(m_filterText);
        if (!re.isValid())
            error = tr("The filter is not a valid regular expression: %1 (at character %2).")
                        .arg(re.errorString())
                        .arg(re.patternErrorOffset() + 1);
    }
    m_filterError = error;
    endResetModel();
    updateError();
    startFilterJob();
}

void BuildLogModel::setFilterJob(std::shared_ptr<Job> job)
{
    const bool was = m_filterJob != nullptr;
    m_filterJob = std::move(job);
    if (was != (m_filterJob != nullptr))
        Q_EMIT filteringChanged();
}

void BuildLogModel::startFilterJob()
{
    if (!filterActive() || !m_filterError.isEmpty() || m_filterJob || m_path.isEmpty() ||
        m_filterScannedTo >= qint64(m_starts.size()))
        return;
    auto job = std::make_shared<Job>();
    job->fromLine = m_filterScannedTo;
    job->toLine = qint64(m_starts.size());
    const qint64 fromByte = m_starts[size_t(job->fromLine)];
    const qint64 toByte = m_endByte;
    const QString path = m_path;
    const QString pattern = m_filterText;
    const bool regex = m_filterIsRegex;
    // A long range is searched in two halves at once.
    const qint64 count = job->toLine - job->fromLine;
    const qint64 midLine = count >= 200'000 ? job->fromLine + count / 2 : 0;
    const qint64 midByte = midLine > 0 ? m_starts[size_t(midLine)] : 0;
    setFilterJob(job);
    m_pool.start([this, job, path, pattern, regex, fromByte, toByte, midLine, midByte] {
        auto chunk = std::make_shared<FilterChunk>();
        chunk->job = job;
        auto post = [this, &chunk, &job] {
            auto next = std::make_shared<FilterChunk>();
            next->job = job;
            QMetaObject::invokeMethod(
                this, [this, chunk] { onFilterChunk(*chunk); }, Qt::QueuedConnection);
            chunk = std::move(next);
        };
        QElapsedTimer took;
        took.start();
        auto canceled = [&job] {
            return job->canceled.load();
        };
        auto progress = [&](qint64 scannedTo, std::vector<qint64> &found) {
            chunk->matches.swap(found);
            chunk->scannedTo = scannedTo;
            post();
        };
        std::vector<qint64> found;
        QString failure;
        if (midLine > 0) { // a long range: its second half in a thread of its own
            std::vector<qint64> second;
            QString secondFailure;
            std::thread helper([&] {
                secondFailure = filterRange(
                    path, midByte, toByte, midLine, pattern, regex, second,
                    [](qint64, std::vector<qint64> &) {}, canceled);
            });
            failure = filterRange(path, fromByte, midByte, job->fromLine, pattern, regex, found, progress,
                                  canceled);
            helper.join();
            if (failure.isEmpty())
                failure = secondFailure;
            found.insert(found.end(), second.begin(), second.end());
        } else {
            failure =
                filterRange(path, fromByte, toByte, job->fromLine, pattern, regex, found, progress, canceled);
        }
        if (job->canceled)
            return;
        chunk->matches.insert(chunk->matches.end(), found.begin(), found.end());
        chunk->failure = failure;
        chunk->scannedTo = job->toLine;
        chunk->last = true;
        qCDebug(lcBuildLog) << "filtered" << job->toLine - job->fromLine << "lines in" << took.elapsed()
                            << "ms";
        post();
    });
}

void BuildLogModel::onFilterChunk(const FilterChunk &chunk)
{
    if (chunk.job != m_filterJob)
        return; // a filter that changed since
    m_matches.insert(m_matches.end(), chunk.matches.begin(), chunk.matches.end());
    m_filterScannedTo = chunk.scannedTo;
    if (!chunk.last) {
        scheduleFlush();
        return;
    }
    setFilterJob(nullptr);
    if (!chunk.failure.isEmpty()) {
        setReadError(tr("The build log %1 could not be read: %2").arg(m_path, chunk.failure));
        return;
    }
    if (m_loaded && !m_indexJob)
        flush(); // the filter's answer shows as soon as it is known
    else
        scheduleFlush();
    startFilterJob(); // lines that arrived meanwhile
}

void BuildLogModel::setReadError(const QString &error)
{
    m_readError = error;
    updateError();
}

void BuildLogModel::updateError()
{
    setError(!m_readError.isEmpty() ? m_readError : m_filterError);
}

int BuildLogModel::nextErrorRow(int afterRow) const
{
    if (!filterActive()) {
        const auto it = std::upper_bound(m_errorLines.begin(), m_errorLines.end(), qint64(afterRow));
        return it != m_errorLines.end() && *it < m_committedLines ? int(*it) : -1;
    }
    const auto shownEnd = m_matches.begin() + m_committedMatches;
    const qint64 afterLine =
        afterRow >= 0 && afterRow < m_committedMatches ? m_matches[size_t(afterRow)] : -1;
    for (auto it = std::upper_bound(m_errorLines.begin(), m_errorLines.end(), afterLine);
         it != m_errorLines.end(); ++it) {
        const auto found = std::lower_bound(m_matches.begin(), shownEnd, *it);
        if (found == shownEnd)
            return -1;
        if (*found == *it)
            return int(found - m_matches.begin());
    }
    return -1;
}

int BuildLogModel::rowOfLine(int lineNumber) const
{
    const qint64 line = qint64(lineNumber) - 1;
    if (line < 0 || line >= m_committedLines)
        return -1;
    if (!filterActive())
        return int(line);
    const auto shownEnd = m_matches.begin() + m_committedMatches;
    const auto found = std::lower_bound(m_matches.begin(), shownEnd, line);
    return found != shownEnd && *found == line ? int(found - m_matches.begin()) : -1;
}

QString BuildLogModel::textOf(int firstRow, int lastRow) const
{
    firstRow = qMax(0, firstRow);
    lastRow = qMin(rowCount() - 1, lastRow);
    QStringList lines;
    for (int row = firstRow; row <= lastRow; ++row) {
        const qint64 line = lineAt(row);
        if (const Decoded *hit = m_cache.object(line))
            lines.append(hit->text);
        else
            lines.append(Ansi::strip(readLine(line).left(MaxShownLineBytes)));
    }
    return lines.join(QLatin1Char('\n'));
}

int BuildLogModel::copy(int firstRow, int lastRow) const
{
    auto *gui = qobject_cast<QGuiApplication *>(QCoreApplication::instance());
    if (!gui || firstRow > lastRow || rowCount() == 0)
        return 0;
    QGuiApplication::clipboard()->setText(textOf(firstRow, lastRow));
    return qMin(rowCount() - 1, lastRow) - qMax(0, firstRow) + 1;
}

void BuildLogModel::saveTo(const QUrl &file)
{
    if (!file.isLocalFile()) {
        Q_EMIT saveFinished(false, tr("The log can only be saved to a local file."));
        return;
    }
    if (m_path.isEmpty() || !m_readError.isEmpty()) {
        Q_EMIT saveFinished(false, tr("There is no build log to save."));
        return;
    }
    if (m_saveJob)
        m_saveJob->canceled = true;
    auto job = std::make_shared<Job>();
    m_saveJob = job;
    const QString from = m_path;
    const QString to = file.toLocalFile();
    const qint64 endByte = m_endByte;
    m_pool.start([this, job, from, to, endByte] {
        QFile in(from);
        QSaveFile out(to);
        QString failure;
        qint64 lines = 0;
        if (!in.open(QIODevice::ReadOnly)) {
            failure = tr("%1 could not be read: %2").arg(from, in.errorString());
        } else if (!out.open(QIODevice::WriteOnly)) {
            failure = tr("%1 could not be written: %2").arg(to, out.errorString());
        } else {
            QByteArray buffer;
            const Scan scan = forEachLine(
                in, 0, endByte, std::numeric_limits<qsizetype>::max(),
                [&](qint64, qint64, QByteArrayView bytes) {
                    buffer += Ansi::strip(bytes).toUtf8();
                    buffer += '\n';
                    ++lines;
                    if (buffer.size() >= ReadBlock) {
                        out.write(buffer);
                        buffer.clear();
                    }
                },
                [&] { return !job->canceled.load(); });
            out.write(buffer);
            if (!scan.failure.isEmpty())
                failure = tr("%1 could not be read: %2").arg(from, scan.failure);
            else if (job->canceled)
                return;
            else if (!out.commit())
                failure = tr("%1 could not be written: %2").arg(to, out.errorString());
        }
        const QString message =
            failure.isEmpty() ? tr("Saved %n lines to %1.", nullptr, int(lines)).arg(to) : failure;
        const bool ok = failure.isEmpty();
        QMetaObject::invokeMethod(
            this,
            [this, job, ok, message] {
                if (job != m_saveJob)
                    return;
                m_saveJob.reset();
                Q_EMIT saveFinished(ok, message);
            },
            Qt::QueuedConnection);
    });
}

qint64 BuildLogModel::appendLines(qint64 firstLineNumber, const QStringList &lines)
{
    QByteArrayList bytes;
    bytes.reserve(lines.size());
    for (const QString &line : lines)
        bytes.append(line.toUtf8());
    return appendLines(firstLineNumber, bytes);
}

qint64 BuildLogModel::appendLines(qint64 firstLineNumber, const QByteArrayList &lines)
{
    if (m_path.isEmpty() || !m_readError.isEmpty())
        return -1;
    if (!m_loaded) { // the first pass does not yet know how many lines the file has: keep them
        if (m_waitingLines.isEmpty()) {
            m_waitingFirst = firstLineNumber;
            m_waitingLines = lines;
        } else {
            const qint64 next = m_waitingFirst + m_waitingLines.size();
            if (firstLineNumber <= next)
                m_waitingLines += lines.mid(qsizetype(next - firstLineNumber));
        }
        return m_waitingFirst + m_waitingLines.size();
    }
    const qint64 next = m_writtenLines + 1;
    if (firstLineNumber > next) {
        qCInfo(lcBuildLog) << "lines from" << firstLineNumber << "would leave a gap after line"
                           << m_writtenLines;
        Q_EMIT resumeNeeded(next);
        return next;
    }
    const qsizetype skip = qsizetype(next - firstLineNumber);
    if (skip >= lines.size())
        return next;
    QByteArray bytes;
    if (std::exchange(m_needsNewline, false))
        bytes += '\n'; // the file's last line had no newline: it ends here
    for (qsizetype i = skip; i < lines.size(); ++i) {
        QByteArray line = lines[i];
        line.replace('\n', ' '); // one line stays one line
        bytes += line;
        bytes += '\n';
    }
    m_writtenLines += lines.size() - skip;
    m_unwritten += bytes;
    writeUnwritten();
    return m_writtenLines + 1;
}

// The file is written in a worker, one write at a time, in order: a write() that the kernel holds
// up (dirty pages on a busy disk) must not hold up a frame. What arrives meanwhile is written next,
// in one piece.
void BuildLogModel::writeUnwritten()
{
    if (m_writeJob || m_unwritten.isEmpty())
        return;
    auto job = std::make_shared<Job>();
    m_writeJob = job;
    const QString path = m_path;
    const QByteArray bytes = std::exchange(m_unwritten, {});
    m_pool.start([this, job, path, bytes] {
        const QString failure = appendToFile(path, bytes);
        QMetaObject::invokeMethod(
            this,
            [this, job, failure] {
                if (job != m_writeJob)
                    return; // written to a log that is no longer shown
                m_writeJob.reset();
                if (!failure.isEmpty()) {
                    setReadError(tr("The build log %1 could not be written: %2").arg(m_path, failure));
                    return;
                }
                startIndexing();
                writeUnwritten();
            },
            Qt::QueuedConnection);
    });
}

// Writes what appendLines() took and no worker wrote yet, before the log goes away.
void BuildLogModel::finishWriting()
{
    if (!m_writeJob && m_unwritten.isEmpty())
        return;
    m_pool.waitForDone(); // the write in flight lands first
    m_writeJob.reset();
    if (!m_unwritten.isEmpty()) {
        const QString failure = appendToFile(m_path, std::exchange(m_unwritten, {}));
        if (!failure.isEmpty())
            qCWarning(lcBuildLog) << "lines lost: cannot write" << m_path << failure;
    }
}

void BuildLogModel::writePending()
{
    if (m_waitingLines.isEmpty())
        return;
    const QByteArrayList lines = std::exchange(m_waitingLines, {});
    appendLines(m_waitingFirst, lines);
}

} // namespace Meshdeck::Console
