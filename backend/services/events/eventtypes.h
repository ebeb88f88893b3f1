#pragma once

#include "platform/eventpublisher.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace Meshdeck::Events {

// Retention of a topic; 0 means unlimited.
struct Retention {
    qint64 maxAgeSeconds = 0;
    qint64 maxBytes = 0;
};

struct TopicInfo {
    QString name;
    Retention retention;
    qint64 firstOffset = 0; // the oldest offset still stored
    qint64 nextOffset = 0;  // the head: the offset the next event gets
    qint64 eventCount = 0;
    qint64 totalBytes = 0;
    QString createdAt;
    bool system = false; // written by the platform (audit, system, a service's own topic): not deletable
    // Its document permissions as text (read("users"), …); filled where the topic is answered.
    QStringList permissions;
};

struct TopicStats {
    TopicInfo info;
    qint64 publishedLastMinute = 0;
};

// An event as stored: immutable once committed, shared between readers and subscribers.
struct StoredEvent {
    QString id;
    QString topic;
    qint64 offset = 0;
    qint64 timeMs = 0;
    QString type;
    QString key;
    QByteArray data;
    QByteArray headers;
    QString requestId;

    QJsonObject toJson() const;
    // The JSON text of toJson(), built once and shared by every subscriber.
    QByteArray toJsonText() const;
};
using StoredEventPtr = std::shared_ptr<const StoredEvent>;

// A page of the log, in offset order.
struct EventPage {
    QList<StoredEventPtr> events;
    qint64 nextOffset = 0; // where the next read continues
};

// Consumer groups.
struct GroupDelivery {
    StoredEventPtr event;
    int attempt = 1;
};

struct PollOutcome {
    QList<GroupDelivery> deliveries;
    QList<StoredEventPtr> deadLettered; // as stored in the dead-letter topic
    QString deadLetterTopic;            // where they went (empty when none)
    qint64 committedOffset = 0;
    qint64 lag = 0;
};

struct CommitOutcome {
    qint64 committedOffset = 0;
    qint64 lag = 0;
};

struct GroupInfo {
    QString name;
    qint64 committedOffset = 0;
    qint64 nextOffset = 0;
    qint64 inFlight = 0;
    qint64 lag = 0;
    QString createdAt;
};

struct LagPoint {
    qint64 timeMs = 0;
    qint64 lag = 0;
};

struct ReplayOutcome {
    qint64 replayed = 0;
    qint64 firstTargetOffset = -1; // -1 when nothing was copied
    qint64 lastTargetOffset = -1;
};

// Names of topics and consumer groups, as Kafka-like systems allow them: 1 to 128 characters of
// a-z, 0-9, '.', '_' and '-', starting with a letter or digit.
constexpr qsizetype MaxNameLength = 128;
bool isValidName(const QString &name);
// A topic created from now on leaves room for its dead-letter topic "<name>.dlq" within the
// name limit, so new topic names are at most 124 characters.
constexpr qsizetype MaxTopicNameLength = MaxNameLength - 4;
bool isValidTopicName(const QString &name);
// Where a consumer group's dead letters from `topic` go: "<topic>.dlq", always a valid name. A
// topic named before the length rule (125 to 128 characters), or a dead-letter topic of a
// dead-letter topic, gets a shortened name with a hash of the full one, so it cannot collide.
QString deadLetterTopicName(const QString &topic);

} // namespace Meshdeck::Events
