#pragma once

#include "platform/buildqueue.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Meshdeck::Build {

// A build's log as the queue receives it: process output split into numbered lines, every secret
// value masked, ANSI escapes kept, and a byte budget. Past the budget ONE marker line says so and
// further output is discarded (the build keeps running); the worker's own notes ("[meshdeck] ...")
// are always kept, so that how a build ended is in its log even after a flood.
class BuildLog
{
public:
    static constexpr qsizetype maxLineBytes = 64 * 1024; // a longer line is cut into pieces
    // A secret value of several lines (a PEM key) can never appear whole in one log line: each of
    // its lines is masked on its own, trimmed, when it is at least this long (shorter ones, like
    // the last few characters of base64, would mask common words everywhere). A value with only
    // one non-empty line is masked whatever its length, as a one-line value is.
    static constexpr qsizetype minSecretLineBytes = 8;

    BuildLog(const QList<BuildVariable> &variables, qint64 capBytes, qint64 firstNumber = 1);

    void addOutput(QByteArrayView chunk);
    void endOutput(); // the process ended: a last line without a newline is kept
    void note(const QString &text);

    QList<BuildLogLine> takeLines();
    qsizetype pendingCount() const { return m_pending.size(); }
    qint64 nextNumber() const { return m_next; }
    qint64 keptBytes() const { return m_keptBytes; }
    bool capped() const { return m_capped; }

    static QByteArray limitMarker(qint64 capBytes);
    static QByteArray mask(QByteArray text, const QList<QByteArray> &secrets);
    // What mask() looks for to hide one secret value: the value, and each line of a multi-line one.
    static QList<QByteArray> maskedPieces(const QByteArray &value);

private:
    void addLine(QByteArray line);
    void push(QByteArray text);

    QList<QByteArray> m_secrets; // longest first
    qint64 m_capBytes;
    qint64 m_next;
    qint64 m_keptBytes = 0;
    bool m_capped = false;
    QByteArray m_partial;
    QList<BuildLogLine> m_pending;
};

} // namespace Meshdeck::Build
