import QtQuick
import QtCharts
import Meshdeck.Core
import Meshdeck.Theme

// A consumer group's lag over time, from what the backend sampled. The model works out the axes.
Item {
    id: chart
    required property LagHistoryModel lag

    function rebuild() {
        series.clear()
        for (let row = 0; row < chart.lag.count; ++row)
            series.append(chart.lag.timeAt(row), chart.lag.lagAt(row))
    }

    Connections {
        target: Console.events
        function onLagChanged() {
            chart.rebuild()
        }
    }
    Component.onCompleted: rebuild()

    ChartView {
        anchors.fill: parent
        visible: chart.lag.count > 0
        antialiasing: true
        legend.visible: false
        backgroundColor: "transparent"
        margins.top: 0
        margins.bottom: 0
        title: qsTr("Lag of %1").arg(chart.lag.group)
        titleColor: Theme.text
        Accessible.name: qsTr("Lag of %1 over the last hour").arg(chart.lag.group)

        DateTimeAxis {
            id: timeAxis
            format: "HH:mm"
            min: chart.lag.axisStart
            max: chart.lag.axisEnd
            labelsColor: Theme.mutedText
            labelsFont.pixelSize: 10
        }
        // Qt 6.4's QtCharts plugins.qmltypes names two components QValueAxis (ValueAxis and the old
        // ValuesAxis), which qmllint cannot resolve; the type itself is fine at run time.
        // qmllint disable
        ValueAxis {
            id: lagAxis
            min: 0
            max: chart.lag.axisMaxLag
            labelFormat: "%d"
            labelsColor: Theme.mutedText
            labelsFont.pixelSize: 10
        }
        LineSeries {
            id: series
            axisX: timeAxis
            axisY: lagAxis
            color: Theme.accent
            width: 2
        }
        // qmllint enable
    }
    ListStatus {
        anchors.centerIn: parent
        width: Math.min(implicitWidth, parent.width)
        loading: chart.lag.loading
        error: chart.lag.error
        empty: chart.lag.count === 0
        emptyText: chart.lag.group.length > 0 ? qsTr("No lag samples for %1 yet.").arg(chart.lag.group)
                                              : qsTr("Select a group to see its lag over the last hour.")
        retryName: qsTr("Retry loading the lag of %1").arg(chart.lag.group)
        onRetry: Console.events.showLag(chart.lag.group)
    }
}
