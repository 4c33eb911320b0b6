<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>FilterableTable</name>
    <message>
        <location filename="../../her2desk/ui/panels/base.py" line="150"/>
        <source>Filter rows… (type words from any column)</source>
        <translation>筛选行…（输入任意列中的文字）</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/base.py" line="245"/>
        <source>{0} of {1} rows</source>
        <translation>{0} / {1} 行</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/base.py" line="246"/>
        <source>{0} rows</source>
        <translation>{0} 行</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <location filename="../../her2desk/ui/app.py" line="143"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/app.py" line="147"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/app.py" line="151"/>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="60"/>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="60"/>
        <source>Validation</source>
        <translation>数据核查</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="61"/>
        <source>Eligibility</source>
        <translation>入组筛选</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="61"/>
        <source>Baseline</source>
        <translation>基线特征</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="62"/>
        <source>Survival</source>
        <translation>生存分析</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="62"/>
        <source>Neoadjuvant</source>
        <translation>新辅助治疗</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="63"/>
        <source>First-line &amp; conversion</source>
        <translation>一线治疗与受体转换</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="63"/>
        <source>Cox</source>
        <translation>Cox 回归</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="271"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="292"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="293"/>
        <source>&amp;Open CRF…</source>
        <translation>打开 CRF(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="294"/>
        <source>Open a CRF workbook (.xlsx, .xlsm) or CSV export</source>
        <translation>打开 CRF 工作簿（.xlsx、.xlsm）或 CSV 导出文件</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="295"/>
        <source>Open &amp;sample study</source>
        <translation>打开示例研究(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="296"/>
        <source>Open the synthetic study that reproduces the paper</source>
        <translation>打开复现论文结果的模拟研究数据</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="297"/>
        <source>&amp;New CRF template…</source>
        <translation>新建 CRF 模板(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="298"/>
        <source>Save an empty CRF workbook with drop-down lists</source>
        <translation>保存带下拉列表的空白 CRF 工作簿</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="299"/>
        <source>&amp;Recent studies</source>
        <translation>最近的研究(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="300"/>
        <source>&amp;Export table…</source>
        <translation>导出表格(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="301"/>
        <source>Save the table of this page as Excel or CSV</source>
        <translation>将本页表格保存为 Excel 或 CSV</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="302"/>
        <source>Export study re&amp;port…</source>
        <translation>导出研究报告(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="303"/>
        <source>Save report.xlsx and results.json</source>
        <translation>保存 report.xlsx 和 results.json</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="304"/>
        <source>&amp;Map columns…</source>
        <translation>映射列(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="305"/>
        <source>Tell her2desk what unrecognised columns hold</source>
        <translation>告诉 her2desk 未识别的列代表什么</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="306"/>
        <source>Study se&amp;ttings…</source>
        <translation>研究设置(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="307"/>
        <source>Cutoff date, enrolment window, FISH threshold…</source>
        <translation>数据截止日期、入组时间窗、FISH 阈值…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="308"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="331"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="332"/>
        <source>&amp;User guide</source>
        <translation>用户指南(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="333"/>
        <source>&amp;About her2desk</source>
        <translation>关于 her2desk(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="403"/>
        <location filename="../../her2desk/ui/main_window.py" line="407"/>
        <source>Opening {0}…</source>
        <translation>正在打开 {0}…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="452"/>
        <location filename="../../her2desk/ui/main_window.py" line="710"/>
        <source>Computing the study's analyses…</source>
        <translation>正在计算研究分析…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="534"/>
        <source>Analyses done.</source>
        <translation>分析完成。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="544"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="559"/>
        <source>No study open — File ▸ Open CRF… or drop a workbook here</source>
        <translation>未打开研究 — 文件 ▸ 打开 CRF…，或将工作簿拖放到此处</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="746"/>
        <source>Applying the new settings…</source>
        <translation>正在应用新设置…</translation>
    </message>
</context>
<context>
    <name>Panel</name>
    <message>
        <location filename="../../her2desk/ui/panels/base.py" line="38"/>
        <source>Open a study (File ▸ Open CRF…) to see this page.</source>
        <translation>请先打开研究（文件 ▸ 打开 CRF…）以查看本页。</translation>
    </message>
</context>
<context>
    <name>ReportTable</name>
    <message>
        <location filename="../../her2desk/ui/panels/report_table.py" line="93"/>
        <source>Copy as tab-separated text</source>
        <translation>复制为制表符分隔文本</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/report_table.py" line="94"/>
        <source>Copy the whole table (Ctrl+C) to paste into Excel or Word</source>
        <translation>复制整张表格（Ctrl+C），可粘贴到 Excel 或 Word</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/report_table.py" line="96"/>
        <source>Double-click a number to see the patients behind it.</source>
        <translation>双击数字可查看对应的患者。</translation>
    </message>
</context>
<context>
    <name>ReportTableModel</name>
    <message>
        <location filename="../../her2desk/ui/models/report_table_model.py" line="169"/>
        <source>Double-click to list the patients behind this number.</source>
        <translation>双击可列出该数字对应的患者。</translation>
    </message>
</context>
<context>
    <name>ValidationPanel</name>
    <message>
        <location filename="../../her2desk/ui/panels/validation_panel.py" line="13"/>
        <source>All findings</source>
        <translation>全部核查结果</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/validation_panel.py" line="14"/>
        <source>Errors only</source>
        <translation>仅错误</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/validation_panel.py" line="15"/>
        <source>Warnings only</source>
        <translation>仅警告</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/validation_panel.py" line="39"/>
        <source>Sheet:</source>
        <translation>工作表：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/validation_panel.py" line="42"/>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/validation_panel.py" line="59"/>
        <source>No problems found in the CRF.</source>
        <translation>CRF 中未发现问题。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/validation_panel.py" line="61"/>
        <source>{0} error</source>
        <translation>{0} 个错误</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/validation_panel.py" line="61"/>
        <source>{0} errors</source>
        <translation>{0} 个错误</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/validation_panel.py" line="62"/>
        <source>{0} warnings</source>
        <translation>{0} 个警告</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/validation_panel.py" line="62"/>
        <source>{0} warning</source>
        <translation>{0} 个警告</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/validation_panel.py" line="63"/>
        <source>&lt;b style='color:#b00020'&gt;{0}&lt;/b&gt; must be fixed; &lt;b style='color:#8a5a00'&gt;{1}&lt;/b&gt; to check. Hover a row for details.</source>
        <translation>&lt;b style='color:#b00020'&gt;{0}&lt;/b&gt;必须修正；&lt;b style='color:#8a5a00'&gt;{1}&lt;/b&gt;需要核对。鼠标悬停在行上可查看详情。</translation>
    </message>
</context>
</TS>
