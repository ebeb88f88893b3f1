#pragma once

#include "platform/eventpublisher.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

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

// Topic names as Kafka-like systems allow them, lower case.
bool isValidTopicName(const QString &name);

} // namespace Meshdeck::Events
