import QtQuick
import QtQuick.Controls
import QtCharts
import Meshdeck.Theme

// A consumer group's lag over time (points: [{time: ms, lag}]), from what the backend sampled.
Item {
    id: chart
    property string group
    property var points: []

    // qmllint disable
    onPointsChanged: {
        series.clear()
        let maxLag = 0
        for (const p of points) {
            series.append(p.time, p.lag)
            maxLag = Math.max(maxLag, p.lag)
        }
        if (points.length > 0) {
            timeAxis.min = new Date(points[0].time)
            timeAxis.max = new Date(Math.max(points[points.length - 1].time, points[0].time + 60000))
        }
        lagAxis.max = Math.max(10, maxLag * 1.2)
    }
    // qmllint enable

    ChartView {
        anchors.fill: parent
        visible: chart.points.length > 0
        antialiasing: true
        legend.visible: false
        backgroundColor: "transparent"
        margins.top: 0
        margins.bottom: 0
        title: qsTr("Lag of %1").arg(chart.group)
        titleColor: Theme.text

        DateTimeAxis {
            id: timeAxis
            format: "HH:mm"
            labelsColor: Theme.mutedText
            labelsFont.pixelSize: 10
        }
        // Qt 6.4's QtCharts plugins.qmltypes names two components QValueAxis (ValueAxis and the old
        // ValuesAxis), which qmllint cannot resolve; the type itself is fine at run time.
        // qmllint disable
        ValueAxis {
            id: lagAxis
            min: 0
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
    Label {
        anchors.centerIn: parent
        visible: chart.points.length === 0
        text: chart.group.length > 0 ? qsTr("No lag samples for %1 yet.").arg(chart.group)
                                     : qsTr("Select a group to see its lag over the last hour.")
        color: Theme.mutedText
    }
}
