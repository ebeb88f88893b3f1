#include "archiveextract.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <archive.h>
#include <archive_entry.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Meshdeck::Build {

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(Meshdeck::Build::Archive)
};

Error packError(const QString &reason)
{
    return Error::invalid(QStringLiteral("outputDirectory"), reason, QByteArrayLiteral("artifact-refused"));
}

using Writer = std::unique_ptr<archive, decltype(&archive_write_free)>;
using Entry = std::unique_ptr<archive_entry, decltype(&archive_entry_free)>;

std::optional<Error> writeFileData(archive *writer, const QByteArray &path, const QString &name)
{
    const int fd = ::open(path.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return packError(Tr::tr("the output file \"%1\" cannot be read").arg(name));
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n == 0)
            break;
        if (n < 0 || archive_write_data(writer, buffer, size_t(n)) < 0) {
            ::close(fd);
            return packError(Tr::tr("the output file \"%1\" could not be packaged").arg(name));
        }
    }
    ::close(fd);
    return std::nullopt;
}

std::optional<Error> addEntry(archive *writer, const QString &root, const QString &relative)
{
    const QByteArray path = QFile::encodeName(root + QLatin1Char('/') + relative);
    struct stat st {
    };
    if (::lstat(path.constData(), &st) != 0)
        return packError(Tr::tr("the output entry \"%1\" vanished while it was packaged").arg(relative));
    Entry entry(archive_entry_new(), archive_entry_free);
    archive_entry_copy_pathname(entry.get(), QFile::encodeName(relative).constData());
    archive_entry_set_perm(entry.get(), st.st_mode & 0777);
    archive_entry_set_mtime(entry.get(), st.st_mtim.tv_sec, 0);
    if (S_ISDIR(st.st_mode)) {
        archive_entry_set_filetype(entry.get(), AE_IFDIR);
    } else if (S_ISREG(st.st_mode)) {
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_size(entry.get(), st.st_size);
    } else if (S_ISLNK(st.st_mode)) {
        if (!linkStaysInside(root, relative))
            return packError(
                Tr::tr("the output entry \"%1\" is a link that leaves the output directory").arg(relative));
        QByteArray target(PATH_MAX, Qt::Uninitialized);
        const ssize_t n = ::readlink(path.constData(), target.data(), size_t(target.size()));
        if (n < 0 || n >= target.size())
            return packError(Tr::tr("the output link \"%1\" cannot be read").arg(relative));
        target.truncate(n);
        archive_entry_set_filetype(entry.get(), AE_IFLNK);
        archive_entry_copy_symlink(entry.get(), target.constData());
    } else {
        return packError(
            Tr::tr("the output entry \"%1\" is neither a file, a directory nor a link").arg(relative));
    }
    if (archive_write_header(writer, entry.get()) < ARCHIVE_WARN)
        return packError(Tr::tr("the output entry \"%1\" could not be packaged: %2")
                             .arg(relative, QString::fromUtf8(archive_error_string(writer))));
    if (S_ISREG(st.st_mode))
        return writeFileData(writer, path, relative);
    return std::nullopt;
}

} // namespace

Result<qint64> packDirectory(const QString &directory, const QString &archivePath)
{
    const QFileInfo info(directory);
    if (!info.isDir() || info.isSymLink())
        return packError(
            Tr::tr("the output directory %1 does not exist after the build").arg(info.fileName()));
    const QString root = info.absoluteFilePath();
    const QString partial = archivePath + QStringLiteral(".part");
    Writer writer(archive_write_new(), archive_write_free);
    archive_write_add_filter_gzip(writer.get());
    archive_write_set_format_pax_restricted(writer.get());
    if (archive_write_open_filename(writer.get(), QFile::encodeName(partial).constData()) != ARCHIVE_OK)
        return Error::unavailable(Tr::tr("the artifact %1 cannot be written").arg(archivePath),
                                  QByteArrayLiteral("artifact-write"));
    QStringList entries;
    QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        entries.append(QDir(root).relativeFilePath(it.next()));
    entries.sort(); // reproducible order
    for (const QString &relative : std::as_const(entries)) {
        if (auto error = addEntry(writer.get(), root, relative)) {
            writer.reset();
            QFile::remove(partial);
            return *error;
        }
    }
    if (archive_write_close(writer.get()) != ARCHIVE_OK) {
        writer.reset();
        QFile::remove(partial);
        return Error::unavailable(Tr::tr("the artifact %1 could not be finished").arg(archivePath),
                                  QByteArrayLiteral("artifact-write"));
    }
    writer.reset();
    QFile::remove(archivePath);
    if (!QFile::rename(partial, archivePath))
        return Error::unavailable(Tr::tr("the artifact %1 could not be put in place").arg(archivePath),
                                  QByteArrayLiteral("artifact-write"));
    return QFileInfo(archivePath).size();
}

} // namespace Meshdeck::Build
