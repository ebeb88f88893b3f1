#pragma once

#include "common/statefullistmodel.h"

#include <QCache>
#include <QFile>
#include <QFileSystemWatcher>
#include <QQmlEngine>
#include <QRegularExpression>
#include <QThreadPool>
#include <QTimer>
#include <QUrl>

#include <atomic>
#include <deque>
#include <memory>
#include <vector>

namespace Meshdeck::Console {

// A deployment's build log, read from its file on disk (never held as one string): a worker
// thread indexes where each line starts, rows are read and decoded when a view asks for them
// (a small cache keeps the recent ones), so a million lines load and scroll without stalling.
//
// The file may grow while it is shown: either another process writes it (the local stack's
// build.log; the model watches the file) or the console caches a remote log itself and hands the
// realtime channel's numbered lines to appendLines(), which appends them to the file with no gap
// and no duplicate. Either way, new rows are inserted at most once per frame (16 ms), so 50 000
// lines a second never block one.
//
// A filter (plain text or a regular expression, case-insensitive) runs in a worker and is
// cancelled when it changes; the rows are then the matching lines only, in order. An invalid
// regular expression shows no rows, and `error` says why. A log that cannot be read shows no rows
// and `error` says why (never an empty log); reload() retries.
class BuildLogModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    // The log file (a local file URL).
    Q_PROPERTY(QUrl source READ source WRITE setSource NOTIFY sourceChanged)
    // Lines in the log (all of them, not only those the filter shows).
    Q_PROPERTY(int lineCount READ lineCount NOTIFY lineCountChanged)
    // Live follow: the view keeps the last row in sight. A view sets it to false when the user
    // scrolls up; rows keep coming, and newLinesWhilePaused counts them for a "N new lines" bar.
    Q_PROPERTY(bool following READ following WRITE setFollowing NOTIFY followingChanged)
    Q_PROPERTY(int newLinesWhilePaused READ newLinesWhilePaused NOTIFY newLinesWhilePausedChanged)
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
    Q_PROPERTY(bool filterIsRegex READ filterIsRegex WRITE setFilterIsRegex NOTIFY filterIsRegexChanged)
    // A filter is being applied (the rows are the matches found so far).
    Q_PROPERTY(bool filtering READ isFiltering NOTIFY filteringChanged)
    Q_PROPERTY(int errorLineCount READ errorLineCount NOTIFY lineCountChanged)
public:
    enum Role { LineNumberRole = Qt::UserRole + 1, TextRole, SegmentsRole, RichTextRole, IsErrorRole };
    Q_ENUM(Role)

    // Lines longer than this are shown cut, with a marker that says how much is left out.
    static constexpr qsizetype MaxShownLineBytes = 64 * 1024;

    explicit BuildLogModel(QObject *parent = nullptr);
    ~BuildLogModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QUrl source() const { return m_source; }
    void setSource(const QUrl &source);
    int lineCount() const { return int(m_committedLines); }
    bool following() const { return m_following; }
    void setFollowing(bool following);
    int newLinesWhilePaused() const { return m_newWhilePaused; }
    QString filterText() const { return m_filterText; }
    void setFilterText(const QString &text);
    bool filterIsRegex() const { return m_filterIsRegex; }
    void setFilterIsRegex(bool regex);
    bool isFiltering() const { return m_filterJob != nullptr; }
    int errorLineCount() const;

    // The row of the first (next after `afterRow`) line that reports an error among the rows
    // shown, or -1.
    Q_INVOKABLE int firstErrorRow() const { return nextErrorRow(-1); }
    Q_INVOKABLE int nextErrorRow(int afterRow) const;
    // The row that shows a line (1-based line number), or -1 when the filter hides it.
    Q_INVOKABLE int rowOfLine(int lineNumber) const;
    // The plain text (no escape sequences) of rows first..last, one line each.
    Q_INVOKABLE QString textOf(int firstRow, int lastRow) const;
    // textOf() on the clipboard; returns how many lines were copied.
    Q_INVOKABLE int copy(int firstRow, int lastRow) const;
    // Reads the source again from its start (the "retry" of a log that could not be read).
    Q_INVOKABLE void reload();
    // Writes the whole log (not only the filtered rows) as plain text, in a worker; saveFinished
    // tells how it went.
    Q_INVOKABLE void saveTo(const QUrl &file);

    // Lines from the realtime channel, numbered from `firstLineNumber` (1-based), without their
    // newlines. Lines the log already has are skipped; lines after a gap are refused and
    // resumeNeeded(n) asks for the log from line n (GET …/log?fromLine=n). Returns the number of
    // the next line the log expects.
    qint64 appendLines(qint64 firstLineNumber, const QByteArrayList &lines);
    Q_INVOKABLE qint64 appendLines(qint64 firstLineNumber, const QStringList &lines);

    // Commits what the workers found so far now (the timer does this once per 16 ms).
    void flush();

Q_SIGNALS:
    void sourceChanged();
    void lineCountChanged();
    void followingChanged();
    void newLinesWhilePausedChanged();
    void filterTextChanged();
    void filterIsRegexChanged();
    void filteringChanged();
    void saveFinished(bool ok, const QString &message);
    void resumeNeeded(qint64 fromLineNumber);

private:
    struct Decoded;
    struct IndexChunk;
    struct FilterChunk;
    struct Job {
        std::atomic_bool canceled = false;
        qint64 fromLine = 0; // a filter job tests lines [fromLine, toLine)
        qint64 toLine = 0;
    };

    void startIndexing();
    void onIndexChunk(const IndexChunk &chunk);
    void onIndexDone(qint64 generation, const QString &failure);
    void restartFilter();
    void startFilterJob();
    void onFilterChunk(const FilterChunk &chunk);
    void setReadError(const QString &error);
    void rewriteTail(qint64 tail);
    void updateError();
    void setFilterJob(std::shared_ptr<Job> job);
    bool filterActive() const { return !m_filterText.isEmpty(); }
    qint64 lineAt(int row) const;
    qint64 lineEnd(qint64 line) const;
    QByteArray readLine(qint64 line) const;
    const Decoded *decoded(qint64 line) const;
    void writePending();
    void writeUnwritten();
    void finishWriting();
    void scheduleFlush();

    QUrl m_source;
    QString m_path;
    qint64 m_generation = 0; // bumped by every reload; a worker's late results are dropped
    QThreadPool m_pool;
    QFileSystemWatcher m_watcher;
    QTimer m_flushTimer;

    // The index: where each line starts; the last line ends at m_endByte (which holds its newline
    // unless m_tailOpen: the file's last line has no newline yet, and may still grow).
    // Deques, not vectors: a vector of a million offsets that doubles copies megabytes on the GUI
    // thread in one go (a 50 ms stall measured by tests/bench/logviewer).
    std::deque<qint64> m_starts;
    qint64 m_endByte = 0;
    bool m_tailOpen = false;
    std::deque<qint64> m_errorLines; // sorted
    qint64 m_committedLines = 0;     // lines announced (as rows, when there is no filter)
    std::shared_ptr<Job> m_indexJob;
    bool m_indexAgain = false;
    bool m_loaded = false; // the first pass over the file finished

    // Writing (appendLines): lines wait here until the first pass knows how many the file has.
    QByteArray m_unwritten; // taken by appendLines(), not yet handed to a worker
    std::shared_ptr<Job> m_writeJob;
    QByteArrayList m_waitingLines;
    qint64 m_waitingFirst = 0;
    qint64 m_writtenLines = 0;   // lines in the file once written lines are indexed
    bool m_needsNewline = false; // the file's last line has no newline (before the first write)

    // The filter.
    QString m_filterText;
    bool m_filterIsRegex = false;
    QString m_filterError;
    QString m_readError;
    qint64 m_filterGeneration = 0;
    std::shared_ptr<Job> m_filterJob;
    std::deque<qint64> m_matches;  // line indexes, sorted
    qint64 m_committedMatches = 0; // rows announced while filtering
    qint64 m_filterScannedTo = 0;  // lines [0, this) have been tested

    std::shared_ptr<Job> m_saveJob;

    bool m_following = true;
    int m_newWhilePaused = 0;

    mutable QFile m_reader;
    mutable QCache<qint64, Decoded> m_cache;
};

} // namespace Meshdeck::Console
