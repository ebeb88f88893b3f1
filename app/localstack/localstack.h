#pragma once

#include "logmodel.h"

#include <QObject>
#include <QProcess>
#include <QQmlEngine>
#include <QTimer>
#include <QUrl>

namespace Meshdeck::Console {

// The bundled meshdeckd as a child process: start, stop, restart, its live log, and the ready
// line that tells us where it listens. The child dies with the console (PR_SET_PDEATHSIG).
class LocalStack : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The console owns the local stack")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY stateChanged)
    Q_PROPERTY(QUrl url READ url NOTIFY stateChanged)
    // Where the gateway takes traffic (the ready line's "gatewayUrl"); empty when it does not say.
    Q_PROPERTY(QUrl gatewayUrl READ gatewayUrl NOTIFY stateChanged)
    Q_PROPERTY(QString dataDir READ dataDir CONSTANT)
    Q_PROPERTY(QString program READ program CONSTANT)
    Q_PROPERTY(int pid READ pid NOTIFY stateChanged)
    Q_PROPERTY(Meshdeck::Console::LogModel *log READ log CONSTANT)
public:
    enum class State { Stopped, Starting, Running, Stopping, Failed };
    Q_ENUM(State)

    struct Settings {
        QString program; // meshdeckd
        QString dataDir;
        int startTimeoutMs = 15'000;
        int stopTimeoutMs = 5'000;
    };

    explicit LocalStack(Settings settings, QObject *parent = nullptr);
    ~LocalStack() override;

    State state() const { return m_state; }
    QString errorString() const { return m_error; }
    QUrl url() const { return m_url; }
    QUrl gatewayUrl() const { return m_gatewayUrl; }
    QByteArray token() const { return m_token; }
    QString dataDir() const { return m_settings.dataDir; }
    QString program() const { return m_settings.program; }
    int pid() const;
    LogModel *log() { return &m_log; }

    Q_INVOKABLE void start();
    Q_INVOKABLE void stop();
    Q_INVOKABLE void restart();

    // Where the bundled backend is: beside the console's executable.
    static QString defaultProgram();

Q_SIGNALS:
    void stateChanged();
    void ready(const QUrl &url, const QByteArray &token);
    void stopped();

private:
    void setState(State state, const QString &error = {});
    void onStdout();
    void onStderr();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onStartTimeout();
    void fail(const QString &reason);

    Settings m_settings;
    QProcess *m_process = nullptr;
    LogModel m_log;
    QTimer m_startTimer;
    QTimer m_killTimer;
    State m_state = State::Stopped;
    QString m_error;
    QUrl m_url;
    QUrl m_gatewayUrl;
    QByteArray m_token;
    QByteArray m_stdoutBuffer;
    QByteArray m_stderrBuffer;
    bool m_restartRequested = false;
};

} // namespace Meshdeck::Console
