#include "buildlog.h"

#include <algorithm>

namespace Meshdeck::Build {

namespace {
const QByteArray maskText =
    QByteArrayLiteral("\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2");
}

BuildLog::BuildLog(const QList<BuildVariable> &variables, qint64 capBytes, qint64 firstNumber)
    : m_capBytes(capBytes)
    , m_next(firstNumber)
{
    for (const BuildVariable &variable : variables) {
        if (variable.secret && !variable.value.isEmpty())
            m_secrets.append(maskedPieces(variable.value.toUtf8()));
    }
    std::sort(m_secrets.begin(), m_secrets.end(),
              [](const QByteArray &a, const QByteArray &b) { return a.size() > b.size(); });
}

QByteArray BuildLog::limitMarker(qint64 capBytes)
{
    return QByteArrayLiteral("[meshdeck] log limit of ") + QByteArray::number(capBytes) +
           QByteArrayLiteral(" bytes reached; further output discarded");
}

QList<QByteArray> BuildLog::maskedPieces(const QByteArray &value)
{
    QList<QByteArray> pieces{value};
    if (!value.contains('\n'))
        return pieces;
    QList<QByteArray> lines;
    for (const QByteArray &line : value.split('\n')) {
        const QByteArray trimmed = line.trimmed(); // a CR, and the indentation a tool may add
        if (!trimmed.isEmpty())
            lines.append(trimmed);
    }
    for (const QByteArray &line : std::as_const(lines)) {
        if (lines.size() == 1 || line.size() >= minSecretLineBytes)
            pieces.append(line);
    }
    return pieces;
}

QByteArray BuildLog::mask(QByteArray text, const QList<QByteArray> &secrets)
{
    for (const QByteArray &secret : secrets)
        text.replace(secret, maskText);
    return text;
}

void BuildLog::addOutput(QByteArrayView chunk)
{
    if (m_capped)
        return;
    qsizetype start = 0;
    while (start < chunk.size()) {
        const qsizetype newline = chunk.indexOf('\n', start);
        if (newline < 0) {
            m_partial.append(chunk.sliced(start));
            while (m_partial.size() >= maxLineBytes) {
                addLine(m_partial.left(maxLineBytes));
                m_partial.remove(0, maxLineBytes);
            }
            return;
        }
        m_partial.append(chunk.sliced(start, newline - start));
        QByteArray line = std::move(m_partial);
        m_partial.clear();
        if (line.endsWith('\r'))
            line.chop(1);
        while (line.size() > maxLineBytes) {
            addLine(line.left(maxLineBytes));
            line.remove(0, maxLineBytes);
        }
        addLine(std::move(line));
        start = newline + 1;
        if (m_capped)
            return;
    }
}

void BuildLog::endOutput()
{
    if (!m_partial.isEmpty())
        addLine(std::exchange(m_partial, {}));
}

void BuildLog::note(const QString &text)
{
    push(mask(QByteArrayLiteral("[meshdeck] ") + text.toUtf8(), m_secrets));
}

void BuildLog::addLine(QByteArray line)
{
    if (m_capped)
        return;
    line = mask(std::move(line), m_secrets);
    if (m_keptBytes + line.size() + 1 > m_capBytes) {
        m_capped = true;
        m_partial.clear();
        push(limitMarker(m_capBytes));
        return;
    }
    m_keptBytes += line.size() + 1;
    push(std::move(line));
}

void BuildLog::push(QByteArray text)
{
    m_pending.append(BuildLogLine{m_next++, std::move(text)});
}

QList<BuildLogLine> BuildLog::takeLines()
{
    return std::exchange(m_pending, {});
}

} // namespace Meshdeck::Build
