#include "localstack.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcLocalStack, "meshdeck.console.localstack")

namespace Meshdeck::Console {

LocalStack::LocalStack(Settings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
{
    m_startTimer.setSingleShot(true);
    connect(&m_startTimer, &QTimer::timeout, this, &LocalStack::onStartTimeout);
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        if (m_process) {
            qCWarning(lcLocalStack) << "meshdeckd did not stop in time; killing it";
            m_process->kill();
        }
    });
}

LocalStack::~LocalStack()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        disconnect(m_process, nullptr, this, nullptr);
        m_process->terminate();
        if (!m_process->waitForFinished(m_settings.stopTimeoutMs))
            m_process->kill();
        m_process->waitForFinished(1000);
    }
}

QString LocalStack::defaultProgram()
{
    return QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("meshdeckd"));
}

int LocalStack::pid() const
{
    return m_process ? int(m_process->processId()) : 0;
}

void LocalStack::setState(State state, const QString &error)
{
    m_state = state;
    m_error = error;
    Q_EMIT stateChanged();
}

void LocalStack::start()
{
    if (m_state == State::Starting || m_state == State::Running)
        return;
    if (m_state == State::Stopping) {
        m_restartRequested = true;
        return;
    }
    if (!QFileInfo(m_settings.program).isExecutable()) {
        setState(State::Failed,
                 tr("The backend program %1 is missing or not executable. Reinstall Meshdeck or "
                    "pass --backend PATH.")
                     .arg(m_settings.program));
        return;
    }
    if (!QDir().mkpath(m_settings.dataDir)) {
        setState(State::Failed, tr("Cannot create the data directory %1.").arg(m_settings.dataDir));
        return;
    }
    delete m_process;
    m_process = new QProcess(this);
    m_stdoutBuffer.clear();
    m_stderrBuffer.clear();
    m_url.clear();
    m_gatewayUrl.clear();
    m_token.clear();
    const pid_t parent = ::getpid();
    // Runs in the child between fork and exec: die with the console, even on SIGKILL of the console.
    m_process->setChildProcessModifier([parent] {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent)
            ::_exit(1);
    });
    connect(m_process, &QProcess::readyReadStandardOutput, this, &LocalStack::onStdout);
    connect(m_process, &QProcess::readyReadStandardError, this, &LocalStack::onStderr);
    connect(m_process, &QProcess::finished, this, &LocalStack::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            fail(tr("Could not run %1: %2").arg(m_settings.program, m_process->errorString()));
    });
    // A developer's own webhook receivers run beside the local stack, on loopback or the LAN; the
    // gateway takes traffic on a free loopback port the ready line names.
    const QStringList args{QStringLiteral("--data-dir"),
                           m_settings.dataDir,
                           QStringLiteral("--listen"),
                           QStringLiteral("127.0.0.1:0"),
                           QStringLiteral("--gateway-listen"),
                           QStringLiteral("127.0.0.1:0"),
                           QStringLiteral("--allow-private-targets")};
    m_log.appendLines({tr("— starting %1 %2").arg(m_settings.program, args.join(QLatin1Char(' ')))});
    setState(State::Starting);
    m_startTimer.start(m_settings.startTimeoutMs);
    m_process->start(m_settings.program, args);
}

void LocalStack::stop()
{
    m_restartRequested = false;
    if (!m_process || m_process->state() == QProcess::NotRunning) {
        if (m_state != State::Stopped && m_state != State::Failed)
            setState(State::Stopped);
        return;
    }
    m_startTimer.stop();
    setState(State::Stopping);
    m_process->terminate();
    m_killTimer.start(m_settings.stopTimeoutMs);
}

void LocalStack::restart()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        stop();
        m_restartRequested = true;
    } else {
        start();
    }
}

void LocalStack::onStdout()
{
    m_stdoutBuffer += m_process->readAllStandardOutput();
    qsizetype newline;
    while ((newline = m_stdoutBuffer.indexOf('\n')) >= 0) {
        const QByteArray line = m_stdoutBuffer.first(newline);
        m_stdoutBuffer.remove(0, newline + 1);
        const QJsonObject announcement = QJsonDocument::fromJson(line).object();
        if (!announcement.value(QStringLiteral("ready")).toBool()) {
            m_log.appendLines({QString::fromUtf8(line)});
            continue;
        }
        const QUrl url(announcement.value(QStringLiteral("url")).toString());
        QFile tokenFile(announcement.value(QStringLiteral("adminTokenFile")).toString());
        if (!url.isValid() || !tokenFile.open(QIODevice::ReadOnly)) {
            fail(tr("meshdeckd started but its ready line could not be used (url %1, token file %2).")
                     .arg(url.toString(), tokenFile.fileName()));
            return;
        }
        m_url = url;
        m_gatewayUrl = QUrl(announcement.value(QStringLiteral("gatewayUrl")).toString());
        m_token = tokenFile.readAll().trimmed();
        m_startTimer.stop();
        setState(State::Running);
        Q_EMIT ready(m_url, m_token);
    }
}

void LocalStack::onStderr()
{
    m_stderrBuffer += m_process->readAllStandardError();
    const qsizetype lastNewline = m_stderrBuffer.lastIndexOf('\n');
    if (lastNewline < 0)
        return;
    const QString text = QString::fromUtf8(m_stderrBuffer.first(lastNewline));
    m_stderrBuffer.remove(0, lastNewline + 1);
    m_log.appendLines(text.split(QLatin1Char('\n')));
}

void LocalStack::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_startTimer.stop();
    m_killTimer.stop();
    if (!m_stderrBuffer.isEmpty()) {
        m_log.appendLines({QString::fromUtf8(m_stderrBuffer)});
        m_stderrBuffer.clear();
    }
    const bool expected = m_state == State::Stopping;
    m_log.appendLines(
        {tr("— meshdeckd exited (%1)")
             .arg(status == QProcess::CrashExit ? tr("crashed") : tr("code %1").arg(exitCode))});
    m_url.clear();
    m_gatewayUrl.clear();
    if (expected) {
        setState(State::Stopped);
        Q_EMIT stopped();
        if (m_restartRequested) {
            m_restartRequested = false;
            start();
        }
        return;
    }
    QString reason;
    if (status == QProcess::CrashExit)
        reason = tr("meshdeckd crashed.");
    else if (exitCode == 3)
        reason = tr("meshdeckd refused the data directory: its database was written by a newer version.");
    else
        reason = tr("meshdeckd exited with code %1.").arg(exitCode);
    fail(reason);
    Q_EMIT stopped();
}

void LocalStack::onStartTimeout()
{
    if (m_process)
        m_process->kill();
    fail(tr("meshdeckd did not report ready within %1 s.").arg(m_settings.startTimeoutMs / 1000));
}

void LocalStack::fail(const QString &reason)
{
    const QString tail = m_log.tail(5);
    setState(State::Failed, tail.isEmpty() ? reason : reason + QLatin1Char('\n') + tail);
}

} // namespace Meshdeck::Console
