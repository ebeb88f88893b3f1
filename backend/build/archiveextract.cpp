#include "archiveextract.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSet>

#include <archive.h>
#include <archive_entry.h>

#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcArchive, "meshdeck.backend.build.archive")

namespace Meshdeck::Build {

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(Meshdeck::Build::Archive)
};

constexpr int maxLinkHops = 40;

Error refused(const QString &reason)
{
    return Error::invalid(QStringLiteral("source"), reason, QByteArrayLiteral("archive-refused"));
}

// Resolves pending path components below root, following links found on disk; false once the
// path leaves root (a ".." above it, an absolute link, too many hops).
bool resolvesInside(const QByteArray &root, QList<QByteArray> pending)
{
    QList<QByteArray> stack;
    int hops = 0;
    while (!pending.isEmpty()) {
        const QByteArray part = pending.takeFirst();
        if (part.isEmpty() || part == ".")
            continue;
        if (part == "..") {
            if (stack.isEmpty())
                return false;
            stack.removeLast();
            continue;
        }
        QByteArray candidate = root;
        for (const QByteArray &p : std::as_const(stack))
            candidate += '/' + p;
        candidate += '/' + part;
        struct stat st {
        };
        if (::lstat(candidate.constData(), &st) == 0 && S_ISLNK(st.st_mode)) {
            if (++hops > maxLinkHops)
                return false;
            QByteArray target(PATH_MAX, Qt::Uninitialized);
            const ssize_t n = ::readlink(candidate.constData(), target.data(), size_t(target.size()));
            if (n < 0 || n >= target.size())
                return false;
            target.truncate(n);
            if (target.startsWith('/'))
                return false;
            QList<QByteArray> spliced = target.split('/');
            spliced += pending;
            pending = std::move(spliced);
            continue;
        }
        stack.append(part);
    }
    return true;
}

// An entry's path as components below the target; empty with a reason when refused.
std::optional<QList<QByteArray>> relativeComponents(const QByteArray &path, QString *reason)
{
    if (path.startsWith('/')) {
        *reason = Tr::tr("the entry \"%1\" has an absolute path").arg(QString::fromUtf8(path));
        return std::nullopt;
    }
    QList<QByteArray> parts;
    for (const QByteArray &part : path.split('/')) {
        if (part.isEmpty() || part == ".")
            continue;
        if (part == "..") {
            *reason =
                Tr::tr("the entry \"%1\" climbs out of the tree with \"..\"").arg(QString::fromUtf8(path));
            return std::nullopt;
        }
        parts.append(part);
    }
    return parts;
}

class Extractor
{
public:
    Extractor(const ExtractLimits &limits, QByteArray root)
        : m_limits(limits)
        , m_root(std::move(root))
    {}

    Result<ExtractStats> run(archive *reader);

private:
    std::optional<Error> checkEntry(archive_entry *entry, const QByteArray &relative);
    std::optional<Error> checkStream(archive *reader, const QByteArray &entryName) const;
    std::optional<Error> copyData(archive *reader, archive *writer, const QByteArray &name);

    ExtractLimits m_limits;
    QByteArray m_root;
    ExtractStats m_stats;
    qint64 m_declaredBytes = 0;
    QSet<QByteArray> m_files;
};

std::optional<Error> Extractor::checkStream(archive *reader, const QByteArray &entryName) const
{
    const qint64 unpacked = archive_filter_bytes(reader, 0);
    const qint64 packed = std::max<qint64>(1, archive_filter_bytes(reader, -1));
    const QString name = QString::fromUtf8(entryName);
    if (unpacked > m_limits.maxBytes)
        return refused(Tr::tr("the archive unpacks to more than %1 bytes (at the entry \"%2\")")
                           .arg(m_limits.maxBytes)
                           .arg(name));
    if (unpacked > m_limits.ratioFloorBytes && double(unpacked) / double(packed) > m_limits.maxRatio)
        return refused(
            Tr::tr("the archive expands more than %1 times (at the entry \"%2\"): a compression bomb")
                .arg(m_limits.maxRatio)
                .arg(name));
    return std::nullopt;
}

std::optional<Error> Extractor::checkEntry(archive_entry *entry, const QByteArray &relative)
{
    const QString name = QString::fromUtf8(relative);
    const mode_t mode = archive_entry_mode(entry);
    if (mode & (S_ISUID | S_ISGID))
        return refused(Tr::tr("the entry \"%1\" has the setuid or setgid bit").arg(name));
    const char *hardlink = archive_entry_hardlink(entry);
    if (hardlink) {
        QString reason;
        const auto target = relativeComponents(QByteArray(hardlink), &reason);
        if (!target)
            return refused(Tr::tr("the hard link \"%1\" points outside the tree: %2").arg(name, reason));
        if (!m_files.contains(target->join('/')))
            return refused(
                Tr::tr("the hard link \"%1\" points to \"%2\", which is not a file extracted before it")
                    .arg(name, QString::fromUtf8(hardlink)));
        return std::nullopt;
    }
    switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
    case AE_IFDIR:
        break;
    case AE_IFLNK: {
        const QByteArray target = archive_entry_symlink(entry);
        if (target.startsWith('/'))
            return refused(Tr::tr("the link \"%1\" points to the absolute path \"%2\"")
                               .arg(name, QString::fromUtf8(target)));
        QList<QByteArray> parts = relative.split('/');
        parts.removeLast();
        parts += target.split('/');
        if (!resolvesInside(m_root, parts))
            return refused(Tr::tr("the link \"%1\" points to \"%2\", outside the tree")
                               .arg(name, QString::fromUtf8(target)));
        break;
    }
    case AE_IFCHR:
    case AE_IFBLK:
        return refused(Tr::tr("the entry \"%1\" is a device").arg(name));
    case AE_IFIFO:
        return refused(Tr::tr("the entry \"%1\" is a fifo").arg(name));
    default:
        return refused(Tr::tr("the entry \"%1\" is neither a file, a directory nor a link").arg(name));
    }
    m_declaredBytes += std::max<qint64>(0, archive_entry_size(entry));
    if (m_declaredBytes > m_limits.maxBytes)
        return refused(Tr::tr("the archive holds more than %1 bytes (at the entry \"%2\")")
                           .arg(m_limits.maxBytes)
                           .arg(name));
    return std::nullopt;
}

std::optional<Error> Extractor::copyData(archive *reader, archive *writer, const QByteArray &name)
{
    for (;;) {
        const void *block = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        const int r = archive_read_data_block(reader, &block, &size, &offset);
        if (r == ARCHIVE_EOF)
            return std::nullopt;
        if (r < ARCHIVE_WARN)
            return refused(
                Tr::tr("the archive is damaged at the entry \"%1\": %2")
                    .arg(QString::fromUtf8(name), QString::fromUtf8(archive_error_string(reader))));
        if (auto error = checkStream(reader, name))
            return error;
        if (archive_write_data_block(writer, block, size, offset) < ARCHIVE_WARN)
            return refused(
                Tr::tr("the entry \"%1\" could not be written: %2")
                    .arg(QString::fromUtf8(name), QString::fromUtf8(archive_error_string(writer))));
        m_stats.bytes += qint64(size);
    }
}

Result<ExtractStats> Extractor::run(archive *reader)
{
    std::unique_ptr<archive, decltype(&archive_write_free)> writer(archive_write_disk_new(),
                                                                   archive_write_free);
    // Every name is checked relative (relativeComponents) and then written below the canonical root,
    // so the names libarchive sees are absolute by construction: its NOABSOLUTEPATHS check would
    // refuse them, and the root's own path has no link for SECURE_SYMLINKS to trip on.
    archive_write_disk_set_options(writer.get(), ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                                     ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_TIME);
    for (;;) {
        archive_entry *entry = nullptr;
        const int r = archive_read_next_header(reader, &entry);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN)
            return refused(Tr::tr("the archive is damaged after %1 entries: %2")
                               .arg(m_stats.entries)
                               .arg(QString::fromUtf8(archive_error_string(reader))));
        const QByteArray raw = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
        if (++m_stats.entries > m_limits.maxEntries)
            return refused(Tr::tr("the archive has more than %1 entries (at \"%2\")")
                               .arg(m_limits.maxEntries)
                               .arg(QString::fromUtf8(raw)));
        if (auto error = checkStream(reader, raw))
            return *error;
        QString reason;
        const auto parts = relativeComponents(raw, &reason);
        if (!parts)
            return refused(reason);
        if (parts->isEmpty())
            continue; // "./": the target itself
        const QByteArray relative = parts->join('/');
        if (auto error = checkEntry(entry, relative))
            return *error;
        archive_entry_copy_pathname(entry, (m_root + '/' + relative).constData());
        if (const char *hardlink = archive_entry_hardlink(entry))
            archive_entry_copy_hardlink(
                entry, (m_root + '/' + relativeComponents(hardlink, &reason)->join('/')).constData());
        archive_entry_set_perm(entry, archive_entry_perm(entry) & 0777);
        if (archive_write_header(writer.get(), entry) < ARCHIVE_WARN)
            return refused(
                Tr::tr("the entry \"%1\" was refused: %2")
                    .arg(QString::fromUtf8(relative), QString::fromUtf8(archive_error_string(writer.get()))));
        if (archive_entry_filetype(entry) == AE_IFREG && !archive_entry_hardlink(entry)) {
            m_files.insert(relative);
            if (auto error = copyData(reader, writer.get(), relative))
                return *error;
        }
        if (archive_write_finish_entry(writer.get()) < ARCHIVE_WARN)
            return refused(
                Tr::tr("the entry \"%1\" could not be finished: %2")
                    .arg(QString::fromUtf8(relative), QString::fromUtf8(archive_error_string(writer.get()))));
    }
    if (archive_write_close(writer.get()) < ARCHIVE_WARN)
        return refused(Tr::tr("the archive could not be finished: %1")
                           .arg(QString::fromUtf8(archive_error_string(writer.get()))));
    // A link checked when it was written may escape through a link written after it; and a hard
    // link to a name that a symlink replaced later is a symlink too. So every symlink now in the
    // tree is checked, not only the ones the archive declared.
    QDirIterator tree(QFile::decodeName(m_root),
                      QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                      QDirIterator::Subdirectories);
    const QDir rootDir(QFile::decodeName(m_root));
    while (tree.hasNext()) {
        const QString path = tree.next();
        if (!tree.fileInfo().isSymLink())
            continue;
        const QByteArray link = QFile::encodeName(rootDir.relativeFilePath(path));
        if (!resolvesInside(m_root, link.split('/')))
            return refused(Tr::tr("the link \"%1\" leads outside the tree through other links")
                               .arg(QString::fromUtf8(link)));
    }
    return m_stats;
}

Result<ExtractStats> extract(archive *reader, int opened, const QString &targetDir,
                             const ExtractLimits &limits)
{
    if (opened != ARCHIVE_OK)
        return refused(
            Tr::tr("the archive cannot be read: %1").arg(QString::fromUtf8(archive_error_string(reader))));
    // Written by absolute names below the canonical root (no chdir: the working directory is the
    // whole process's, and other threads open files too).
    const QString canonical = QFileInfo(targetDir).canonicalFilePath();
    if (canonical.isEmpty() || !QFileInfo(canonical).isDir())
        return Error::unavailable(Tr::tr("the directory %1 cannot be entered").arg(targetDir),
                                  QByteArrayLiteral("build-directory"));
    Extractor extractor(limits, QFile::encodeName(canonical));
    auto result = extractor.run(reader);
    if (!result)
        qCInfo(lcArchive) << "archive refused:" << result.error().reason;
    return result;
}

using Reader = std::unique_ptr<archive, decltype(&archive_read_free)>;

Reader newReader()
{
    Reader reader(archive_read_new(), archive_read_free);
    archive_read_support_filter_gzip(reader.get());
    archive_read_support_format_tar(reader.get());
    return reader;
}

} // namespace

bool linkStaysInside(const QString &root, const QString &relativeLink)
{
    return resolvesInside(QFile::encodeName(root), QFile::encodeName(relativeLink).split('/'));
}

Result<ExtractStats> extractArchive(const QString &archivePath, const QString &targetDir,
                                    const ExtractLimits &limits)
{
    Reader reader = newReader();
    const int opened =
        archive_read_open_filename(reader.get(), QFile::encodeName(archivePath).constData(), 64 * 1024);
    return extract(reader.get(), opened, targetDir, limits);
}

Result<ExtractStats> extractArchiveData(QByteArrayView data, const QString &targetDir,
                                        const ExtractLimits &limits)
{
    Reader reader = newReader();
    const int opened = archive_read_open_memory(reader.get(), data.data(), size_t(data.size()));
    return extract(reader.get(), opened, targetDir, limits);
}

} // namespace Meshdeck::Build
