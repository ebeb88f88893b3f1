pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// Topics, and the live tail of the selected one: recent history, then every new event as it is
// committed. Follow mode pauses when scrolled up and counts what arrived meanwhile.
ColumnLayout {
    id: page
    readonly property EventsController events: Console.events
    property int selectedRow: -1

    objectName: "eventsPage"
    spacing: Theme.spacing

    PageHeader {
        Layout.margins: Theme.spacing * 2
        Layout.bottomMargin: 0
        title: qsTr("Events")
        subtitle: page.events.selectedTopic.length > 0
                  ? qsTr("Live tail of %1").arg(page.events.selectedTopic) : qsTr("Topics and their live tails")
    }

    Label {
        objectName: "tailError"
        visible: page.events.tail.error.length > 0
        text: page.events.tail.error
        color: Theme.critical
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
    }

    RowLayout {
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.margins: Theme.spacing * 2
        Layout.topMargin: 0
        spacing: Theme.spacing

        // Topics
        Rectangle {
            Layout.preferredWidth: 260
            Layout.fillHeight: true
            color: Theme.surface
            border.color: Theme.border
            radius: Theme.radius

            ColumnLayout {
                anchors.fill: parent
                anchors.margins: 8
                spacing: 4

                RowLayout {
                    Label {
                        text: qsTr("Topics")
                        font.bold: true
                        color: Theme.text
                        Layout.fillWidth: true
                    }
                    Button {
                        text: qsTr("Refresh")
                        flat: true
                        onClicked: page.events.refreshTopics()
                    }
                }
                ListView {
                    id: topicList
                    objectName: "topicList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: page.events.topics
                    currentIndex: page.events.topics.indexOf(page.events.selectedTopic)

                    delegate: ItemDelegate {
                        id: topicEntry
                        required property int index
                        required property string name
                        required property int events
                        required property string size
                        required property real rate
                        required property string retention

                        width: topicList.width
                        highlighted: ListView.isCurrentItem
                        onClicked: page.events.selectedTopic = name
                        background: Rectangle {
                            color: topicEntry.highlighted ? Theme.selection : "transparent"
                        }
                        contentItem: ColumnLayout {
                            spacing: 0
                            Label {
                                text: topicEntry.name
                                color: Theme.text
                                font.bold: topicEntry.highlighted
                            }
                            Label {
                                text: qsTr("%1 events · %2 · %3/s · kept %4")
                                      .arg(topicEntry.events).arg(topicEntry.size)
                                      .arg(topicEntry.rate.toFixed(1)).arg(topicEntry.retention)
                                color: Theme.mutedText
                                font.pixelSize: 11
                            }
                        }
                    }
                }
                ListStatus {
                    objectName: "topicsStatus"
                    Layout.fillWidth: true
                    loading: page.events.topics.loading
                    error: page.events.topics.error
                    empty: topicList.count === 0
                    emptyText: qsTr("No topics yet. Create one with POST /v1/events/topics.")
                    retryName: qsTr("Retry loading the topics")
                    onRetry: page.events.refreshTopics()
                }
            }
        }

        // The tail
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 8

            RowLayout {
                spacing: 8
                Rectangle {
                    width: 8
                    height: 8
                    radius: 4
                    color: page.events.live ? Theme.passing : Theme.idle
                }
                Label {
                    text: page.events.live ? qsTr("Live") : qsTr("Not live")
                    color: Theme.text
                }
                TextField {
                    id: filterField
                    objectName: "tailFilter"
                    placeholderText: qsTr("Filter by type, key or text")
                    Layout.fillWidth: true
                    onTextChanged: page.events.tail.filterText = text
                }
                Button {
                    id: followButton
                    objectName: "followButton"
                    checkable: true
                    checked: tailView.following
                    text: tailView.following ? qsTr("Following") : (tailView.unseen > 0 ? qsTr("%n new", "", tailView.unseen)
                                                                                         : qsTr("Paused"))
                    onClicked: {
                        tailView.following = checked
                        if (checked) {
                            tailView.unseen = 0
                            tailView.positionViewAtEnd()
                        }
                    }
                }
            }

            RowLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.minimumHeight: 160
                spacing: 8

                Rectangle {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    color: Theme.surface
                    border.color: Theme.border
                    radius: Theme.radius

                    ListView {
                        id: tailView
                        objectName: "tailView"
                        property bool following: true
                        property int unseen: 0
                        property int lastCount: 0

                        anchors.fill: parent
                        anchors.margins: 6
                        clip: true
                        model: page.events.tail
                        ScrollBar.vertical: ScrollBar {}
                        onCountChanged: {
                            if (following)
                                positionViewAtEnd()
                            else if (count > lastCount)
                                unseen += count - lastCount
                            lastCount = count
                        }
                        onMovementEnded: {
                            following = atYEnd
                            if (following)
                                unseen = 0
                            if (atYBeginning)
                                page.events.loadOlder()  // older rows on demand
                        }

                        delegate: ItemDelegate {
                            id: eventRow
                            required property int index
                            required property int offset
                            required property string time
                            required property string type
                            required property string key
                            required property string preview
                            required property string json

                            width: tailView.width
                            height: 28
                            highlighted: page.selectedRow === index
                            onClicked: {
                                page.selectedRow = index
                                inspector.text = json
                            }
                            background: Rectangle {
                                color: eventRow.highlighted ? Theme.selection : "transparent"
                            }
                            contentItem: RowLayout {
                                spacing: 10
                                Label {
                                    text: "#" + eventRow.offset
                                    color: Theme.mutedText
                                    font.family: Theme.monospace
                                    Layout.preferredWidth: 56
                                }
                                Label {
                                    text: eventRow.time
                                    color: Theme.mutedText
                                    font.family: Theme.monospace
                                    Layout.preferredWidth: 100
                                }
                                Label {
                                    text: eventRow.type
                                    color: Theme.accent
                                    elide: Text.ElideRight
                                    Layout.preferredWidth: 170
                                }
                                Label {
                                    text: eventRow.key
                                    color: Theme.text
                                    elide: Text.ElideRight
                                    Layout.preferredWidth: 90
                                }
                                Label {
                                    text: eventRow.preview
                                    textFormat: Text.PlainText
                                    color: Theme.text
                                    font.family: Theme.monospace
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                            }
                        }
                    }
                    Label {
                        anchors.centerIn: parent
                        visible: tailView.count === 0
                        text: page.events.selectedTopic.length === 0 ? qsTr("Select a topic to tail it.")
                              : page.events.tail.filterText.length > 0 ? qsTr("No event matches the filter.")
                              : qsTr("Waiting for events on %1…").arg(page.events.selectedTopic)
                        color: Theme.mutedText
                    }
                }

                // Payload inspector, shown for the selected event
                Rectangle {
                    visible: inspector.text.length > 0
                    Layout.preferredWidth: 340
                    Layout.fillHeight: true
                    color: Theme.surface
                    border.color: Theme.border
                    radius: Theme.radius

                    ColumnLayout {
                        anchors.fill: parent
                        anchors.margins: 8
                        RowLayout {
                            Label {
                                text: qsTr("Event")
                                font.bold: true
                                color: Theme.text
                                Layout.fillWidth: true
                            }
                            Button {
                                text: qsTr("Close")
                                flat: true
                                onClicked: {
                                    inspector.text = ""
                                    page.selectedRow = -1
                                }
                            }
                            Button {
                                text: qsTr("Copy")
                                flat: true
                                enabled: inspector.text.length > 0
                                onClicked: {
                                    inspector.selectAll()
                                    inspector.copy()
                                    inspector.deselect()
                                }
                            }
                        }
                        ScrollView {
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            TextArea {
                                id: inspector
                                objectName: "inspector"
                                readOnly: true
                                selectByMouse: true
                                font.family: Theme.monospace
                                textFormat: TextEdit.PlainText
                                placeholderText: qsTr("Select an event to see its payload.")
                                wrapMode: TextEdit.WrapAnywhere
                            }
                        }
                    }
                }
            }

            // Publish, seek and replay, consumer groups, webhooks
            TabBar {
                id: tools
                Layout.fillWidth: true
                Layout.preferredWidth: 0  // take the width there is; never widen the page
                TabButton { text: qsTr("Publish") }
                TabButton { text: qsTr("Seek and replay") }
                TabButton {
                    text: page.events.groups.error.length > 0 ? qsTr("Consumer groups (not loaded)")
                                                              : qsTr("Consumer groups (%1)").arg(page.events.groups.count)
                }
                TabButton {
                    text: page.events.webhooks.error.length > 0 ? qsTr("Webhooks (not loaded)")
                                                                : qsTr("Webhooks (%1)").arg(page.events.webhooks.count)
                }
            }
            StackLayout {
                currentIndex: tools.currentIndex
                clip: true
                Layout.fillWidth: true
                Layout.preferredWidth: 0  // hidden tabs must not widen the page either
                Layout.minimumHeight: 160
                Layout.maximumHeight: 160

                RowLayout {
                    spacing: 8
                    TextField {
                        id: typeField
                        placeholderText: qsTr("type, e.g. test.ping")
                        Layout.preferredWidth: 180
                        Layout.alignment: Qt.AlignTop
                    }
                    TextField {
                        id: dataField
                        placeholderText: qsTr("data as JSON, e.g. {\"hello\": \"world\"}")
                        Layout.fillWidth: true
                        Layout.alignment: Qt.AlignTop
                    }
                    Button {
                        text: qsTr("Publish test event")
                        enabled: page.events.selectedTopic.length > 0
                        Layout.alignment: Qt.AlignTop
                        onClicked: page.events.publishTestEvent(typeField.text, dataField.text)
                    }
                    Label {
                        id: publishResult
                        color: Theme.mutedText
                        Layout.alignment: Qt.AlignTop
                        Connections {
                            target: page.events
                            function onPublished(ok: bool, message: string) {
                                publishResult.text = message
                                publishResult.color = ok ? Theme.passing : Theme.critical
                            }
                        }
                    }
                }

                ColumnLayout {
                    RowLayout {
                        spacing: 8
                        Label {
                            text: qsTr("Seek to offset")
                            color: Theme.text
                        }
                        SpinBox {
                            id: seekOffset
                            from: 0
                            to: 2147483647
                            editable: true
                        }
                        Button {
                            text: qsTr("Seek")
                            enabled: page.events.selectedTopic.length > 0
                            onClicked: page.events.seek(seekOffset.value)
                        }
                        Label {
                            text: qsTr("or to a time")
                            color: Theme.text
                        }
                        TextField {
                            id: seekTime
                            placeholderText: qsTr("2026-11-21 10:00")
                            Layout.preferredWidth: 150
                        }
                        Button {
                            text: qsTr("Seek")
                            enabled: page.events.selectedTopic.length > 0 && seekTime.text.length > 0
                            onClicked: page.events.seekToTime(seekTime.text)
                        }
                        Label {
                            id: seekResult
                            color: Theme.critical
                            Connections {
                                target: page.events
                                function onSeekFailed(message: string) {
                                    seekResult.text = message
                                }
                            }
                        }
                    }
                    RowLayout {
                        spacing: 8
                        Label {
                            text: qsTr("Replay offsets")
                            color: Theme.text
                        }
                        SpinBox {
                            id: replayFrom
                            from: 0
                            to: 2147483647
                            editable: true
                        }
                        Label {
                            text: qsTr("up to")
                            color: Theme.text
                        }
                        SpinBox {
                            id: replayTo
                            from: 0
                            to: 2147483647
                            editable: true
                        }
                        Label {
                            text: qsTr("into")
                            color: Theme.text
                        }
                        TextField {
                            id: replayTarget
                            placeholderText: qsTr("target topic")
                        }
                        Button {
                            text: qsTr("Replay")
                            enabled: page.events.selectedTopic.length > 0 && replayTarget.text.length > 0
                            onClicked: page.events.replay(replayFrom.value, replayTo.value, replayTarget.text)
                        }
                        Label {
                            id: replayResult
                            color: Theme.mutedText
                            Connections {
                                target: page.events
                                function onReplayed(ok: bool, message: string) {
                                    replayResult.text = message
                                    replayResult.color = ok ? Theme.passing : Theme.critical
                                }
                            }
                        }
                    }
                }

                RowLayout {
                    spacing: 8
                    ColumnLayout {
                        Layout.preferredWidth: 360
                        Layout.fillHeight: true
                        ListView {
                            id: groupList
                            objectName: "groupList"
                            clip: true
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            model: page.events.groups
                            delegate: ItemDelegate {
                                id: groupRow
                                required property string name
                                required property string summary
                                width: groupList.width
                                height: 26
                                highlighted: page.events.lag.group === name
                                onClicked: page.events.showLag(name)
                                contentItem: Label {
                                    color: Theme.text
                                    elide: Text.ElideRight
                                    text: qsTr("%1 — %2").arg(groupRow.name).arg(groupRow.summary)
                                }
                            }
                        }
                        ListStatus {
                            objectName: "groupsStatus"
                            Layout.fillWidth: true
                            loading: page.events.groups.loading
                            error: page.events.groups.error
                            empty: groupList.count === 0
                            emptyText: qsTr("No consumer group reads this topic yet.")
                            retryName: qsTr("Retry loading the consumer groups")
                            onRetry: page.events.refreshGroupsAndWebhooks()
                        }
                    }
                    LagChart {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        lag: page.events.lag
                    }
                }

                ColumnLayout {
                    ListView {
                        id: hookList
                        objectName: "webhookList"
                        clip: true
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        model: page.events.webhooks
                        delegate: RowLayout {
                            id: hookRow
                            required property string webhookId
                            required property string url
                            required property bool active
                            required property string stateText
                            width: hookList.width
                            TapHandler {
                                onTapped: page.events.showDeliveries(hookRow.webhookId)
                            }
                            Label {
                                text: hookRow.url
                                color: hookRow.active ? Theme.text : Theme.mutedText
                                elide: Text.ElideMiddle
                                Layout.fillWidth: true
                            }
                            Label {
                                text: hookRow.stateText
                                color: hookRow.active ? Theme.passing : Theme.critical
                                elide: Text.ElideRight
                                Layout.maximumWidth: 360
                            }
                            Button {
                                text: qsTr("Deliveries")
                                flat: true
                                onClicked: page.events.showDeliveries(hookRow.webhookId)
                            }
                            Button {
                                text: qsTr("Send test")
                                flat: true
                                onClicked: page.events.sendWebhookTest(hookRow.webhookId)
                            }
                        }
                    }
                    ListStatus {
                        objectName: "webhooksStatus"
                        Layout.fillWidth: true
                        loading: page.events.webhooks.loading
                        error: page.events.webhooks.error
                        empty: hookList.count === 0
                        emptyText: qsTr("No webhook delivers this topic. Add one with POST /v1/events/webhooks.")
                        retryName: qsTr("Retry loading the webhooks")
                        onRetry: page.events.refreshGroupsAndWebhooks()
                    }
                    ListView {
                        id: deliveryList
                        objectName: "deliveryList"
                        clip: true
                        visible: count > 0
                        Layout.fillWidth: true
                        Layout.preferredHeight: 60
                        model: page.events.deliveries
                        delegate: Label {
                            required property bool succeeded
                            required property string summary
                            width: deliveryList.width
                            font.pixelSize: 11
                            color: succeeded ? Theme.text : Theme.critical
                            elide: Text.ElideRight
                            text: summary
                        }
                    }
                    ListStatus {
                        objectName: "deliveriesStatus"
                        Layout.fillWidth: true
                        loading: page.events.deliveries.loading
                        error: page.events.deliveries.error
                        empty: deliveryList.count === 0 && page.events.deliveries.webhookId.length > 0
                        emptyText: qsTr("This webhook has no delivery yet.")
                        retryName: qsTr("Retry loading the deliveries")
                        onRetry: page.events.showDeliveries(page.events.deliveries.webhookId)
                    }
                    Label {
                        id: hookResult
                        color: Theme.mutedText
                        Connections {
                            target: page.events
                            function onWebhookTested(ok: bool, message: string) {
                                hookResult.text = message
                                hookResult.color = ok ? Theme.passing : Theme.critical
                            }
                        }
                    }
                }
            }
        }
    }
}
