<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>LanguageMenu</name>
    <message>
        <location filename="../../her2desk/ui/app.py" line="157"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/app.py" line="161"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/app.py" line="165"/>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="298"/>
        <source>&amp;Map columns…</source>
        <translation>映射列(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="299"/>
        <source>Tell her2desk what unrecognised columns hold</source>
        <translation>告诉 her2desk 未识别的列代表什么</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="707"/>
        <source>Applying the new settings…</source>
        <translation>正在应用新设置…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="55"/>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="55"/>
        <source>Validation</source>
        <translation>数据核查</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="56"/>
        <source>Eligibility</source>
        <translation>入组筛选</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="56"/>
        <source>Baseline</source>
        <translation>基线特征</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="57"/>
        <source>Neoadjuvant</source>
        <translation>新辅助治疗</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="57"/>
        <source>Survival</source>
        <translation>生存分析</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="58"/>
        <source>Cox</source>
        <translation>Cox 回归</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="58"/>
        <source>First-line &amp; conversion</source>
        <translation>一线治疗与受体转换</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="243"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="264"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="265"/>
        <source>&amp;Open CRF…</source>
        <translation>打开 CRF(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="266"/>
        <source>Open a CRF workbook (.xlsx, .xlsm) or CSV export</source>
        <translation>打开 CRF 工作簿（.xlsx、.xlsm）或 CSV 导出文件</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="267"/>
        <source>Open &amp;sample study</source>
        <translation>打开示例研究(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="268"/>
        <source>Open the synthetic study that reproduces the paper</source>
        <translation>打开复现论文结果的模拟研究数据</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="269"/>
        <source>&amp;New CRF template…</source>
        <translation>新建 CRF 模板(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="270"/>
        <source>Save an empty CRF workbook with drop-down lists</source>
        <translation>保存带下拉列表的空白 CRF 工作簿</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="271"/>
        <source>&amp;Recent studies</source>
        <translation>最近的研究(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="272"/>
        <source>&amp;Export table…</source>
        <translation>导出表格(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="273"/>
        <source>Save the table of this page as Excel or CSV</source>
        <translation>将本页表格保存为 Excel 或 CSV</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="274"/>
        <source>Export study re&amp;port…</source>
        <translation>导出研究报告(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="275"/>
        <source>Save report.xlsx and results.json</source>
        <translation>保存 report.xlsx 和 results.json</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="276"/>
        <source>Study se&amp;ttings…</source>
        <translation>研究设置(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="277"/>
        <source>Cutoff date, enrolment window, FISH threshold…</source>
        <translation>数据截止日期、入组时间窗、FISH 阈值…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="278"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="290"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="291"/>
        <source>&amp;User guide</source>
        <translation>用户指南(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="292"/>
        <source>&amp;About her2desk</source>
        <translation>关于 her2desk(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="352"/>
        <location filename="../../her2desk/ui/main_window.py" line="355"/>
        <source>Opening {0}…</source>
        <translation>正在打开 {0}…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="369"/>
        <source>Computing the study&apos;s analyses…</source>
        <translation>正在计算研究分析…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="402"/>
        <source>Analyses done.</source>
        <translation>分析完成。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="411"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="426"/>
        <source>No study open — File ▸ Open CRF… or drop a workbook here</source>
        <translation>未打开研究 — 文件 ▸ 打开 CRF…，或将工作簿拖放到此处</translation>
    </message>
</context>
</TS>
