#include "buildlogfile.h"

#include "storage/store.h"

#include <QFile>

namespace Meshdeck::Sites::BuildLogFile {

qint64 append(const QString &path, const QList<LogLine> &lines, qint64 committedBytes,
              QList<std::pair<qint64, qint64>> *marks)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite))
        throw Storage::StoreError(
            QStringLiteral("cannot open the build log %1: %2").arg(path, file.errorString()).toStdString());
    if (file.size() != committedBytes && !file.resize(committedBytes))
        throw Storage::StoreError(
            QStringLiteral("cannot trim the build log %1: %2").arg(path, file.errorString()).toStdString());
    QByteArray out;
    qint64 offset = committedBytes;
    for (const LogLine &line : lines) {
        if (line.line % 1000 == 1)
            marks->append({line.line, offset});
        QByteArray text = line.text;
        text.replace('\n', ' '); // one line stays one line
        out.append(text);
        out.append('\n');
        offset += text.size() + 1;
    }
    if (!file.seek(committedBytes) || file.write(out) != out.size() || !file.flush())
        throw Storage::StoreError(
            QStringLiteral("cannot write the build log %1: %2").arg(path, file.errorString()).toStdString());
    return offset;
}

QList<LogLine> read(const QString &path, qint64 fromLine, qint64 markLine, qint64 markOffset,
                    qint64 committedBytes, int limit)
{
    QList<LogLine> lines;
    QFile file(path);
    if (limit <= 0 || !file.open(QIODevice::ReadOnly) || !file.seek(markOffset))
        return lines;
    qint64 position = markOffset;
    qint64 number = markLine;
    while (position < committedBytes && lines.size() < limit) {
        QByteArray text = file.readLine(committedBytes - position + 1);
        if (text.isEmpty())
            break;
        position += text.size();
        if (!text.endsWith('\n'))
            break; // a partial line is not committed
        text.chop(1);
        if (number >= fromLine)
            lines.append({number, text});
        ++number;
    }
    return lines;
}

} // namespace Meshdeck::Sites::BuildLogFile
