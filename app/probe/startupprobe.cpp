#include "startupprobe.h"

#include "shell/console.h"

#include <QCoreApplication>
#include <QFile>
#include <QGuiApplication>
#include <QIcon>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQuickItem>
#include <QQuickWindow>

#include <cstdio>
#include <unistd.h>

namespace Meshdeck::Console {

namespace {
// Loader-created pages are children in the item tree, not QObject children of the window.
QQuickItem *findItem(QQuickItem *root, const QString &objectName)
{
    if (!root)
        return nullptr;
    if (root->objectName() == objectName)
        return root;
    const auto children = root->childItems();
    for (QQuickItem *child : children) {
        if (QQuickItem *found = findItem(child, objectName))
            return found;
    }
    return nullptr;
}

// The text of every visible text item, in item-tree order: what a person can read on screen.
void collectVisibleTexts(QQuickItem *item, QJsonArray &out)
{
    if (!item || !item->isVisible() || out.size() >= 400)
        return;
    const QVariant text = item->property("text");
    if (text.isValid() && !text.toString().isEmpty() && item->metaObject()->indexOfProperty("font") >= 0)
        out.append(text.toString());
    const auto children = item->childItems();
    for (QQuickItem *child : children)
        collectVisibleTexts(child, out);
}

qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toLongLong() * sysconf(_SC_PAGESIZE) : 0;
}
} // namespace

StartupProbe::StartupProbe(Console *console, QQuickWindow *window, QString screenshotPath, int timeoutMs,
                           const QElapsedTimer &sinceLaunch, QString waitText, QObject *parent)
    : QObject(parent)
    , m_console(console)
    , m_window(window)
    , m_path(std::move(screenshotPath))
    , m_waitText(std::move(waitText))
    , m_sinceLaunch(sinceLaunch)
{
    connect(window, &QQuickWindow::frameSwapped, this, &StartupProbe::check);
    connect(console->connection(), &BackendConnection::stateChanged, this, &StartupProbe::check);
    connect(console->localStack(), &LocalStack::stateChanged, this, [this] {
        if (m_console->localStack()->state() == LocalStack::State::Failed)
            finish(false, m_console->localStack()->errorString());
    });
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        finish(false,
               QStringLiteral("not connected within the timeout: ") + m_console->connection()->errorString());
    });
    m_timeout.start(timeoutMs);
}

void StartupProbe::check()
{
    if (m_done || !m_window)
        return;
    if (m_firstFrameMs < 0 && sender() == m_window)
        m_firstFrameMs = m_sinceLaunch.elapsed();
    if (m_console->connection()->state() != BackendConnection::State::Connected)
        return;
    if (m_connectedMs < 0) {
        m_connectedMs = m_sinceLaunch.elapsed();
        // Let bindings and layouts settle on the backend's information, then take the next frame.
        QTimer::singleShot(250, this, [this] {
            m_settled = true;
            if (m_window)
                m_window->update();
        });
        return;
    }
    if (!m_settled || sender() != m_window)
        return;
    if (!m_waitText.isEmpty()) {
        QJsonArray texts;
        collectVisibleTexts(m_window->contentItem(), texts);
        const bool shown = std::any_of(texts.cbegin(), texts.cend(), [this](const QJsonValue &t) {
            return t.toString().contains(m_waitText);
        });
        if (!shown) {
            QTimer::singleShot(100, m_window, [w = m_window] {
                if (w)
                    w->update();
            });
            return;
        }
    }
    finish(true, {});
}

void StartupProbe::finish(bool ok, const QString &reason)
{
    if (m_done)
        return;
    m_done = true;
    QJsonObject out{
        {QStringLiteral("ok"), ok},
        {QStringLiteral("firstFrameMs"), m_firstFrameMs},
        {QStringLiteral("connectedMs"), m_connectedMs},
        {QStringLiteral("rssBytes"), residentBytes()},
        {QStringLiteral("state"), QVariant::fromValue(m_console->connection()->state()).toString()},
        {QStringLiteral("language"), m_console->effectiveLanguage()},
        {QStringLiteral("theme"), m_console->settings()->theme()},
        {QStringLiteral("backendPid"), m_console->localStack()->pid()},
        {QStringLiteral("overviewTitle"), m_console->navigation()->titleOf(QStringLiteral("overview"))},
        {QStringLiteral("nodeId"),
         m_console->connection()->systemInfo().value(QStringLiteral("nodeId")).toString()}};
    if (!reason.isEmpty())
        out.insert(QStringLiteral("reason"), reason);
    // The window icon (from the compiled-in resources): the width it is drawn at for a small and
    // a large request; the large one is only exact when the SVG icon engine drew it.
    const QIcon icon = QGuiApplication::windowIcon();
    out.insert(QStringLiteral("windowIconWidths"),
               QJsonArray{icon.pixmap(QSize(16, 16)).width(), icon.pixmap(QSize(512, 512)).width()});
    // What the Overview actually shows, so a test can tell a rendered page from an empty frame.
    if (m_window) {
        QQuickItem *overview = findItem(m_window->contentItem(), QStringLiteral("overviewPage"));
        const QQuickItem *state = findItem(overview, QStringLiteral("connectionState"));
        out.insert(QStringLiteral("overviewShown"), overview && overview->property("visible").toBool());
        QJsonArray texts;
        collectVisibleTexts(m_window->contentItem(), texts);
        out.insert(QStringLiteral("visibleTexts"), texts);
        out.insert(QStringLiteral("overviewConnectionText"),
                   state ? state->property("text").toString() : QString());
    }
    if (ok && m_window && !m_path.isEmpty()) {
        const QImage image = m_window->grabWindow();
        out.insert(QStringLiteral("screenshot"), m_path);
        if (image.isNull() || !image.save(m_path)) {
            out.insert(QStringLiteral("ok"), false);
            out.insert(QStringLiteral("reason"), QStringLiteral("could not grab or save the window"));
            ok = false;
        }
    }
    const QByteArray line = QJsonDocument(out).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
    QCoreApplication::exit(ok ? 0 : 1);
}

} // namespace Meshdeck::Console
