#pragma once

#include "sitestypes.h"

#include <QList>
#include <QString>

#include <utility>

namespace Meshdeck::Sites::BuildLogFile {

// build.log is the lines as the build wrote them, each ended by '\n'; the database holds how many
// lines and bytes are committed and every 1000th line's offset (DeploymentsStore).

// Appends after the first `committedBytes` (dropping what a failed append left behind); answers
// the file's new size and the offsets of lines numbered 1 mod 1000. Throws Storage::StoreError
// when the disk refuses.
qint64 append(const QString &path, const QList<LogLine> &lines, qint64 committedBytes,
              QList<std::pair<qint64, qint64>> *marks);

// Up to `limit` lines from `fromLine`, reading from the mark (markLine at markOffset) and never
// past the committed bytes.
QList<LogLine> read(const QString &path, qint64 fromLine, qint64 markLine, qint64 markOffset,
                    qint64 committedBytes, int limit);

} // namespace Meshdeck::Sites::BuildLogFile
