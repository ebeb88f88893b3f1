#pragma once

#include "platform/result.h"

#include <QByteArrayView>
#include <QString>

namespace Meshdeck::Build {

// Limits on what one archive may unpack to. The ratio and size are checked while the stream is
// decompressed, so a gzip bomb stops after a few blocks instead of after filling the disk.
struct ExtractLimits {
    qint64 maxBytes = 1LL << 30;        // uncompressed tar stream and declared file sizes, each in total
    qint64 maxEntries = 100'000;        // headers of any kind
    double maxRatio = 200.0;            // uncompressed / compressed bytes, once past ratioFloorBytes
    qint64 ratioFloorBytes = 1LL << 20; // small archives compress well legitimately
};

struct ExtractStats {
    qint64 entries = 0;
    qint64 bytes = 0; // file data written
};

// Unpacks a .tar.gz (or plain tar) into targetDir, which must exist and should be empty. Refused,
// each with a reason naming the entry: absolute paths, "..", links whose target leaves the tree (also
// through other links), a write through a link, hard links to anything but a file extracted before,
// devices, fifos and sockets, setuid/setgid bits, and anything past the limits. Owners, ACLs, xattrs
// and file flags are never restored. On a refusal the files already written stay in targetDir: the
// caller discards the directory.
Result<ExtractStats> extractArchive(const QString &archivePath, const QString &targetDir,
                                    const ExtractLimits &limits = {});
Result<ExtractStats> extractArchiveData(QByteArrayView archive, const QString &targetDir,
                                        const ExtractLimits &limits = {});

// Writes directory's contents as a gzip'd pax tar at archivePath (through a temporary name, so a
// reader never sees half an archive); answers its size. Refuses a link that leaves the directory and
// anything but files, directories and links. Modes are kept without setuid/setgid; owners are 0.
Result<qint64> packDirectory(const QString &directory, const QString &archivePath);

// Whether the link at relativeLink (inside root) resolves, following links already on disk, to a
// path inside root. Used by the extractor and the packer.
bool linkStaysInside(const QString &root, const QString &relativeLink);

} // namespace Meshdeck::Build
