// libFuzzer target for the source-archive extractor: random bytes (the corpus seeds are small
// .tar.gz files with links, hard links and directories) are extracted into a scratch directory.
// Whatever the input, nothing may appear beside that directory, the file left there must stay
// intact, and every link left inside must resolve inside. A broken invariant aborts the run.
#include "build/archiveextract.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QTemporaryDir>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace Meshdeck::Build;

namespace {

struct Scratch {
    QTemporaryDir base;
    QString target;
    QString outside;
    Scratch()
    {
        QLoggingCategory::setFilterRules(QStringLiteral("meshdeck.*=false"));
        if (!base.isValid())
            std::abort();
        target = base.filePath(QStringLiteral("target"));
        outside = base.filePath(QStringLiteral("outside"));
        QDir().mkpath(outside);
        QFile keep(outside + QStringLiteral("/keep"));
        if (!keep.open(QIODevice::WriteOnly) || keep.write("keep") != 4)
            std::abort();
    }
};

void check(bool condition, const char *what)
{
    if (!condition) {
        std::fprintf(stderr, "invariant broken: %s\n", what);
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Scratch scratch;
    QDir(scratch.target).removeRecursively();
    QDir().mkpath(scratch.target);
    ExtractLimits limits;
    limits.maxBytes = 4 << 20;
    limits.maxEntries = 256;
    (void)extractArchiveData(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)),
                             scratch.target, limits);
    check(QDir(scratch.base.path())
                  .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System) ==
              (QStringList{QStringLiteral("outside"), QStringLiteral("target")}),
          "an entry appeared beside the target");
    check(QDir(scratch.outside)
                  .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System) ==
              QStringList{QStringLiteral("keep")},
          "the directory beside the target changed");
    QFile keep(scratch.outside + QStringLiteral("/keep"));
    check(keep.open(QIODevice::ReadOnly) && keep.readAll() == "keep", "the file beside the target changed");
    check(QDir::currentPath() != scratch.target, "the working directory was left in the target");
    QDirIterator it(scratch.target, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        if (info.isSymLink()) {
            check(linkStaysInside(scratch.target, QDir(scratch.target).relativeFilePath(info.filePath())),
                  "a link leads outside the target");
        }
    }
    return 0;
}
