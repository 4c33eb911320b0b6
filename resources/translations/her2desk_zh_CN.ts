<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BaselinePanel</name>
    <message>
        <location filename="../../her2desk/ui/panels/baseline_panel.py" line="168"/>
        <source>Which groups the columns compare; the tables are recomputed</source>
        <translation>各列比较的分组；更改后表格将重新计算</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/baseline_panel.py" line="178"/>
        <source>Compare by:</source>
        <translation>比较分组：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/baseline_panel.py" line="301"/>
        <source>Recomputing Tables 1–3 by {0}…</source>
        <translation>正在按{0}重新计算表1–3…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/baseline_panel.py" line="318"/>
        <source>Could not compare by this grouping. {0}</source>
        <translation>无法按此分组比较。{0}</translation>
    </message>
</context>
<context>
    <name>ColumnMappingDialog</name>
    <message>
        <location filename="../../her2desk/ui/dialogs/column_mapping.py" line="53"/>
        <source>Map columns</source>
        <translation>映射列</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/column_mapping.py" line="57"/>
        <source>her2desk did not recognise {0} column{1} of &lt;b&gt;{2}&lt;/b&gt;. Choose the CRF field each one holds, or ignore it. The choice is saved next to the workbook and the study is read again.</source>
        <translation>her2desk 未能识别 &lt;b&gt;{2}&lt;/b&gt; 中的 {0} 列。请为每一列选择对应的 CRF 字段，或忽略该列。选择将保存在工作簿旁，并重新读取研究。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/column_mapping.py" line="80"/>
        <source>Suggested from the header: {0}</source>
        <translation>根据列标题建议：{0}</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/column_mapping.py" line="90"/>
        <source>Save and reload</source>
        <translation>保存并重新载入</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/column_mapping.py" line="126"/>
        <source>The mapping could not be saved next to {0}. {1}</source>
        <translation>无法在 {0} 旁保存列映射。{1}</translation>
    </message>
</context>
<context>
    <name>CoxPanel</name>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="91"/>
        <source>Save forest plot…</source>
        <translation>保存森林图…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="107"/>
        <source>Paper's model</source>
        <translation>论文模型</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="108"/>
        <source>Tick the covariates of the paper's multivariate model of this endpoint (Table S5 for OS, Table S6 for DFS)</source>
        <translation>勾选论文中该终点多因素模型的协变量（总生存期见表S5，无病生存期见表S6）</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="111"/>
        <source>Multivariate model</source>
        <translation>多因素模型</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="113"/>
        <source>Tick the covariates to adjust for:</source>
        <translation>勾选需要校正的协变量：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="143"/>
        <source>Endpoint:</source>
        <translation>终点：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="146"/>
        <source>Forest plot:</source>
        <translation>森林图：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="274"/>
        <source>Fitting the multivariate model with {0} covariate{1}…</source>
        <translation>正在拟合含 {0} 个协变量的多因素模型…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="308"/>
        <source>&lt;b&gt;Multivariate model ({0})&lt;/b&gt;: {1} patients, {2} events{3}. Global proportional-hazards test P = {4}.</source>
        <translation>&lt;b&gt;多因素模型（{0}）&lt;/b&gt;：{1} 例患者，{2} 个事件{3}。整体比例风险检验 P = {4}。</translation>
    </message>
</context>
<context>
    <name>DataPanel</name>
    <message>
        <location filename="../../her2desk/ui/panels/data_panel.py" line="52"/>
        <source>Form:</source>
        <translation>表单：</translation>
    </message>
</context>
<context>
    <name>EligibilityPanel</name>
    <message>
        <location filename="../../her2desk/ui/panels/eligibility_panel.py" line="93"/>
        <source>Save figure…</source>
        <translation>保存图…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/eligibility_panel.py" line="94"/>
        <source>Save the flowchart as PNG, SVG or PDF</source>
        <translation>将流程图保存为 PNG、SVG 或 PDF</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/eligibility_panel.py" line="97"/>
        <source>Double-click a box to see its patients.</source>
        <translation>双击方框可查看其中的患者。</translation>
    </message>
</context>
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
    <name>FirstLinePanel</name>
    <message>
        <location filename="../../her2desk/ui/panels/firstline_panel.py" line="161"/>
        <source>Click a number to see the patients behind it.</source>
        <translation>单击数字可查看对应的患者。</translation>
    </message>
</context>
<context>
    <name>FlowBox</name>
    <message>
        <location filename="../../her2desk/ui/plots/flowchart.py" line="62"/>
        <source>Double-click to list these patients</source>
        <translation>双击可列出这些患者</translation>
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
        <source>Validation</source>
        <translation>数据核查</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="60"/>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="61"/>
        <source>Baseline</source>
        <translation>基线特征</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="61"/>
        <source>Eligibility</source>
        <translation>入组筛选</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="62"/>
        <source>Neoadjuvant</source>
        <translation>新辅助治疗</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="62"/>
        <source>Survival</source>
        <translation>生存分析</translation>
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
        <location filename="../../her2desk/ui/main_window.py" line="203"/>
        <source>her2desk</source>
        <translation>her2desk</translation>
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
        <location filename="../../her2desk/ui/main_window.py" line="328"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
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
        <location filename="../../her2desk/ui/main_window.py" line="356"/>
        <source>Open CRF</source>
        <translation>打开 CRF</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="372"/>
        <source>The sample study is not included in this installation.</source>
        <translation>此安装未包含示例研究。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="403"/>
        <location filename="../../her2desk/ui/main_window.py" line="407"/>
        <source>Opening {0}…</source>
        <translation>正在打开 {0}…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="447"/>
        <source>{0} — her2desk</source>
        <translation>{0} — her2desk</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="452"/>
        <location filename="../../her2desk/ui/main_window.py" line="707"/>
        <source>Computing the study's analyses…</source>
        <translation>正在计算研究分析…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="511"/>
        <source>The analyses could not be run. {0}</source>
        <translation>无法运行分析。{0}</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="515"/>
        <source>The analyses could not be run, so this page is empty.

{0}

The Data, Validation and Eligibility pages still show the study.</source>
        <translation>无法运行分析，因此本页为空。

{0}

“数据”“数据核查”和“入组筛选”页仍显示该研究。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="533"/>
        <source>Analyses done.</source>
        <translation>分析完成。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="538"/>
        <source>{0} could not be opened. {1}{2}</source>
        <translation>无法打开 {0}。{1}{2}</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="543"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="558"/>
        <source>No study open — File ▸ Open CRF… or drop a workbook here</source>
        <translation>未打开研究 — 文件 ▸ 打开 CRF…，或将工作簿拖放到此处</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="564"/>
        <source>{0} patients · {1} eligible · {2} error{3} · {4} warning{5}</source>
        <translation>{0} 例患者 · {1} 例符合条件 · {2} 个错误 · {4} 个警告</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="568"/>
        <source>Save empty CRF workbook</source>
        <translation>保存空白 CRF 工作簿</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="581"/>
        <source>Empty CRF saved as {0}.</source>
        <translation>空白 CRF 已保存为 {0}。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="590"/>
        <source>This page has no table to export yet.</source>
        <translation>本页尚无可导出的表格。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="593"/>
        <source>Export table</source>
        <translation>导出表格</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="606"/>
        <source>Table saved as {0}.</source>
        <translation>表格已保存为 {0}。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="618"/>
        <source>Figure saved as {0}.</source>
        <translation>图已保存为 {0}。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="625"/>
        <source>Open a study and wait for the analyses before exporting the report.</source>
        <translation>请先打开研究并等待分析完成，再导出报告。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="628"/>
        <source>Folder for the study report</source>
        <translation>研究报告的保存文件夹</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="636"/>
        <source>Replace the report?</source>
        <translation>替换现有报告？</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="636"/>
        <source>{0} already exist{1} in {2}. Replace {3}?</source>
        <translation>{2} 中已存在 {0}。是否替换？</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="646"/>
        <source>Every column of this study was recognised; there is nothing to map.</source>
        <translation>本研究的所有列均已识别，无需映射。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="743"/>
        <source>Applying the new settings…</source>
        <translation>正在应用新设置…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="776"/>
        <source>her2desk user guide</source>
        <translation>her2desk 用户指南</translation>
    </message>
</context>
<context>
    <name>MappingCommand</name>
    <message>
        <location filename="../../her2desk/ui/undo.py" line="76"/>
        <source>The column mapping could not be saved next to {0}. {1}</source>
        <translation>无法在 {0} 旁保存列映射。{1}</translation>
    </message>
</context>
<context>
    <name>NeoadjuvantPanel</name>
    <message>
        <location filename="../../her2desk/ui/panels/neoadjuvant_panel.py" line="100"/>
        <source>Analysis:</source>
        <translation>分析：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/neoadjuvant_panel.py" line="129"/>
        <source>No patient in the cohort had neoadjuvant therapy with a recorded grade.</source>
        <translation>队列中没有接受新辅助治疗且记录了分级的患者。</translation>
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
    <name>PatientListDialog</name>
    <message>
        <location filename="../../her2desk/ui/dialogs/patient_list.py" line="118"/>
        <source>Copy patient IDs</source>
        <translation>复制患者编号</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/patient_list.py" line="119"/>
        <source>Copy the IDs, one per line, to paste into Excel or an e-mail</source>
        <translation>复制患者编号（每行一个），可粘贴到 Excel 或电子邮件</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/patient_list.py" line="121"/>
        <source>Copy table</source>
        <translation>复制表格</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/patient_list.py" line="122"/>
        <source>Copy the rows shown as tab-separated text (pastes into Excel)</source>
        <translation>将显示的行复制为制表符分隔文本（可粘贴到 Excel）</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/patient_list.py" line="135"/>
        <source>No patient is counted here.</source>
        <translation>此处未计入任何患者。</translation>
    </message>
</context>
<context>
    <name>ReasonRow</name>
    <message>
        <location filename="../../her2desk/ui/plots/flowchart.py" line="105"/>
        <source>Double-click to list the patients excluded because: {0}</source>
        <translation>双击可列出因以下原因被排除的患者：{0}</translation>
    </message>
</context>
<context>
    <name>ReportExport</name>
    <message>
        <location filename="../../her2desk/ui/report_figures.py" line="301"/>
        <source>The figure “{0}” could not be drawn: {1}</source>
        <translation>无法绘制图“{0}”：{1}</translation>
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
    <name>SimplePatientListDialog</name>
    <message>
        <location filename="../../her2desk/ui/panels/result_table.py" line="155"/>
        <source>Patients: {0}</source>
        <translation>患者：{0}</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/result_table.py" line="158"/>
        <source>{0} patient{1} behind “{2}”</source>
        <translation>“{2}”对应的 {0} 例患者</translation>
    </message>
</context>
<context>
    <name>StudySession</name>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="121"/>
        <source>Save study</source>
        <translation>保存研究</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="144"/>
        <source>Open study</source>
        <translation>打开研究</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="149"/>
        <source>The data changed</source>
        <translation>数据已更改</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="169"/>
        <source>{0} cannot be opened: {1}</source>
        <translation>无法打开 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="198"/>
        <source>The data are those the study was saved with, but the results differ from the saved ones (another her2desk version or different analysis code).</source>
        <translation>数据与研究保存时相同，但结果与保存的结果不同（her2desk 版本或分析代码不同）。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="216"/>
        <source>{0} ({1}) — her2desk</source>
        <translation>{0}（{1}）— her2desk</translation>
    </message>
</context>
<context>
    <name>StudySettingsDialog</name>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="38"/>
        <source>Study settings</source>
        <translation>研究设置</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="62"/>
        <source>Include 'Unknown' levels in the tests</source>
        <translation>检验中纳入“未知”水平</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="81"/>
        <source>Enrolment from</source>
        <translation>入组起始日期</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="82"/>
        <source>Enrolment to</source>
        <translation>入组截止日期</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="83"/>
        <source>Data cutoff</source>
        <translation>数据截止日期</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="84"/>
        <source>FISH HER2/CEP17 ratio ≥</source>
        <translation>FISH HER2/CEP17 比值 ≥</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="85"/>
        <source>De novo MBC within</source>
        <translation>初诊IV期判定窗口</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="87"/>
        <source>KM confidence interval</source>
        <translation>KM 置信区间</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="88"/>
        <source>Cox ties</source>
        <translation>Cox 模型结点处理</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="89"/>
        <source>Survival time axis</source>
        <translation>生存时间轴</translation>
    </message>
</context>
<context>
    <name>SurvivalPanel</name>
    <message>
        <location filename="../../her2desk/ui/panels/survival_panel.py" line="198"/>
        <source>95 % CI bands</source>
        <translation>95% 置信区间带</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/survival_panel.py" line="200"/>
        <source>Median lines</source>
        <translation>中位生存期线</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/survival_panel.py" line="201"/>
        <source>Yearly hazard</source>
        <translation>逐年风险</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/survival_panel.py" line="202"/>
        <source>Events per 100 person-years in each year of follow-up: shows when risk accrues, e.g. curves that cross late.</source>
        <translation>随访每一年内每 100 人年的事件数：显示风险何时累积，例如后期交叉的曲线。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/survival_panel.py" line="224"/>
        <source>Endpoint:</source>
        <translation>终点：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/survival_panel.py" line="227"/>
        <source>Compare:</source>
        <translation>比较：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/survival_panel.py" line="230"/>
        <source>Time in:</source>
        <translation>时间单位：</translation>
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
<context>
    <name>common</name>
    <message>
        <location filename="../../her2desk/ui/panels/common.py" line="68"/>
        <source>Save figure ▾</source>
        <translation>保存图 ▾</translation>
    </message>
</context>
</TS>
