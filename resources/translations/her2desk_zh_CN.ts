<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BaselinePanel</name>
    <message>
        <location filename="../../her2desk/ui/panels/baseline_panel.py" line="30"/>
        <source>Table 1 · Baseline characteristics</source>
        <translation>表1 · 基线特征</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/baseline_panel.py" line="31"/>
        <source>Table 2 · Early treatment</source>
        <translation>表2 · 早期治疗</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/baseline_panel.py" line="32"/>
        <source>Table 3 · Metastatic patterns (MBC)</source>
        <translation>表3 · 转移模式（转移性乳腺癌）</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/baseline_panel.py" line="169"/>
        <source>Which groups the columns compare; the tables are recomputed</source>
        <translation>各列比较的分组；更改后表格将重新计算</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/baseline_panel.py" line="179"/>
        <source>Compare by:</source>
        <translation>比较分组：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/baseline_panel.py" line="302"/>
        <source>Recomputing Tables 1–3 by {0}…</source>
        <translation>正在按{0}重新计算表1–3…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/baseline_panel.py" line="319"/>
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
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="93"/>
        <source>Save forest plot…</source>
        <translation>保存森林图…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="109"/>
        <source>Paper's model</source>
        <translation>论文模型</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="110"/>
        <source>Tick the covariates of the paper's multivariate model of this endpoint (Table S5 for OS, Table S6 for DFS)</source>
        <translation>勾选论文中该终点多因素模型的协变量（总生存期见表S5，无病生存期见表S6）</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="113"/>
        <source>Multivariate model</source>
        <translation>多因素模型</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="115"/>
        <source>Tick the covariates to adjust for:</source>
        <translation>勾选需要校正的协变量：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="145"/>
        <source>Endpoint:</source>
        <translation>终点：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="148"/>
        <source>Forest plot:</source>
        <translation>森林图：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="276"/>
        <source>Fitting the multivariate model with {0} covariate{1}…</source>
        <translation>正在拟合含 {0} 个协变量的多因素模型…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="307"/>
        <source>; {0} patient left out because a ticked covariate is missing</source>
        <translation>；{0} 例患者因勾选的协变量缺失而被剔除</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="309"/>
        <source>; {0} patients left out because a ticked covariate is missing</source>
        <translation>；{0} 例患者因勾选的协变量缺失而被剔除</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/cox_panel.py" line="312"/>
        <source>&lt;b&gt;Multivariate model ({0})&lt;/b&gt;: {1} patients, {2} events{3}. Global proportional-hazards test P = {4}.</source>
        <translation>&lt;b&gt;多因素模型（{0}）&lt;/b&gt;：{1} 例患者，{2} 个事件{3}。整体比例风险检验 P = {4}。</translation>
    </message>
</context>
<context>
    <name>DataPanel</name>
    <message>
        <location filename="../../her2desk/ui/panels/data_panel.py" line="98"/>
        <source>Sheet:</source>
        <translation>工作表：</translation>
    </message>
</context>
<context>
    <name>EligibilityPanel</name>
    <message>
        <location filename="../../her2desk/ui/panels/eligibility_panel.py" line="95"/>
        <source>Save figure…</source>
        <translation>保存图…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/eligibility_panel.py" line="96"/>
        <source>Save the flowchart as PNG, SVG or PDF</source>
        <translation>将流程图保存为 PNG、SVG 或 PDF</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/eligibility_panel.py" line="99"/>
        <source>Double-click a box to see its patients.</source>
        <translation>双击方框可查看其中的患者。</translation>
    </message>
</context>
<context>
    <name>FigureOptionsDialog</name>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="33"/>
        <source>The study flowchart</source>
        <translation>研究流程图</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="29"/>
        <source>All Kaplan–Meier plots</source>
        <translation>所有 Kaplan–Meier 图</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="30"/>
        <source>All bar charts</source>
        <translation>所有柱状图</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="31"/>
        <source>All forest plots</source>
        <translation>所有森林图</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="32"/>
        <source>All yearly-hazard plots</source>
        <translation>所有年度风险图</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="43"/>
        <source>Figure options</source>
        <translation>图形选项</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="47"/>
        <source>Show a title (journals print the caption under the figure)</source>
        <translation>显示标题（期刊将图注印在图下方）</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="50"/>
        <source>the figure's own title</source>
        <translation>图形自身的标题</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="54"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="56"/>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="58"/>
        <source>the figure's own label</source>
        <translation>图形自身的标签</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="59"/>
        <source>X axis label</source>
        <translation>X 轴标签</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="60"/>
        <source>Y axis label</source>
        <translation>Y 轴标签</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="64"/>
        <source>Colours</source>
        <translation>颜色</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="65"/>
        <source>Groups: legend label and colour (#rrggbb; empty: the palette's)</source>
        <translation>分组：图例标签和颜色（#rrggbb；留空则用调色板的颜色）</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="78"/>
        <source>{0} colour</source>
        <translation>{0}颜色</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="81"/>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="85"/>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="87"/>
        <source>Number-at-risk table under the plot</source>
        <translation>图下方的风险人数表</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="89"/>
        <source>Cumulative events beside the numbers at risk</source>
        <translation>在风险人数旁显示累计事件数</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="92"/>
        <source>Time axis ends at</source>
        <translation>时间轴终点</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="93"/>
        <source>Tick every</source>
        <translation>刻度间隔</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="100"/>
        <source>Only {0}</source>
        <translation>仅{0}</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="101"/>
        <source>Apply to</source>
        <translation>应用于</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/figure_options.py" line="137"/>
        <source>The colour of {0} must look like #0072B2.</source>
        <translation>{0}的颜色须形如 #0072B2。</translation>
    </message>
</context>
<context>
    <name>FigureWidget</name>
    <message>
        <location filename="../../her2desk/ui/plots/figure.py" line="202"/>
        <source>Figure options…</source>
        <translation>图形选项…</translation>
    </message>
</context>
<context>
    <name>FilterableTable</name>
    <message>
        <location filename="../../her2desk/ui/panels/base.py" line="159"/>
        <source>Filter rows… (type words from any column)</source>
        <translation>筛选行…（输入任意列中的文字）</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/base.py" line="258"/>
        <source>{0} of {1} rows</source>
        <translation>{0} / {1} 行</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/base.py" line="259"/>
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
    <message>
        <location filename="../../her2desk/ui/panels/firstline_panel.py" line="171"/>
        <source>Table 4 · First-line treatment</source>
        <translation>表4 · 一线治疗</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/firstline_panel.py" line="172"/>
        <source>Table S7 · Receptor conversion</source>
        <translation>表S7 · 受体转换</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/firstline_panel.py" line="173"/>
        <source>HER2 heterogeneity</source>
        <translation>HER2 异质性</translation>
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
    <name>FreezeComparePanel</name>
    <message>
        <location filename="../../her2desk/ui/compare_freeze.py" line="46"/>
        <source>Save as Excel…</source>
        <translation>另存为 Excel…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/compare_freeze.py" line="47"/>
        <source>Save these tables as an .xlsx workbook (as her2desk diff --out)</source>
        <translation>将这些表格保存为 .xlsx 工作簿（同 her2desk diff --out）</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/compare_freeze.py" line="60"/>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <location filename="../../her2desk/ui/app.py" line="145"/>
        <location filename="../../her2desk/ui/main_window.py" line="359"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/app.py" line="151"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/app.py" line="155"/>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="64"/>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="64"/>
        <source>Validation</source>
        <translation>数据核查</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="65"/>
        <source>Baseline</source>
        <translation>基线特征</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="65"/>
        <source>Eligibility</source>
        <translation>入组筛选</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="66"/>
        <source>Survival</source>
        <translation>生存分析</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="66"/>
        <source>Neoadjuvant</source>
        <translation>新辅助治疗</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="67"/>
        <source>Cox</source>
        <translation>Cox 回归</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="67"/>
        <source>First-line &amp; conversion</source>
        <translation>一线治疗与受体转换</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="115"/>
        <source>her2desk opens .xlsx, .xlsm, .xls, .csv or .tsv files.</source>
        <translation>her2desk 可打开 .xlsx、.xlsm、.xls、.csv 或 .tsv 文件。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="212"/>
        <source>her2desk</source>
        <translation>her2desk</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="289"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="310"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="311"/>
        <source>&amp;Open CRF…</source>
        <translation>打开 CRF(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="312"/>
        <source>Open a CRF workbook (.xlsx, .xlsm) or CSV export</source>
        <translation>打开 CRF 工作簿（.xlsx、.xlsm）或 CSV 导出文件</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="313"/>
        <source>Open &amp;sample study</source>
        <translation>打开示例研究(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="314"/>
        <source>Open the synthetic study that reproduces the paper</source>
        <translation>打开复现论文结果的模拟研究数据</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="315"/>
        <source>&amp;New CRF template…</source>
        <translation>新建 CRF 模板(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="316"/>
        <source>Save an empty CRF workbook with drop-down lists</source>
        <translation>保存带下拉列表的空白 CRF 工作簿</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="317"/>
        <source>&amp;Recent studies</source>
        <translation>最近的研究(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="318"/>
        <source>&amp;Export table…</source>
        <translation>导出表格(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="319"/>
        <source>Save the table of this page as Excel or CSV</source>
        <translation>将本页表格保存为 Excel 或 CSV</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="320"/>
        <source>Export study re&amp;port…</source>
        <translation>导出研究报告(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="321"/>
        <source>Save report.xlsx and results.json</source>
        <translation>保存 report.xlsx 和 results.json</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="322"/>
        <source>&amp;Map columns…</source>
        <translation>映射列(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="323"/>
        <source>Tell her2desk what unrecognised columns hold</source>
        <translation>告诉 her2desk 未识别的列代表什么</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="324"/>
        <source>Study se&amp;ttings…</source>
        <translation>研究设置(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="325"/>
        <source>Cutoff date, enrolment window, FISH threshold…</source>
        <translation>数据截止日期、入组时间窗、FISH 阈值…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="326"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="355"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="364"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="365"/>
        <source>&amp;User guide</source>
        <translation>用户指南(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="366"/>
        <source>&amp;About her2desk</source>
        <translation>关于 her2desk(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="389"/>
        <source>Open CRF</source>
        <translation>打开 CRF</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="405"/>
        <source>The sample study is not included in this installation.</source>
        <translation>此安装未包含示例研究。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="448"/>
        <location filename="../../her2desk/ui/main_window.py" line="452"/>
        <source>Opening {0}…</source>
        <translation>正在打开 {0}…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="493"/>
        <source>{0} — her2desk</source>
        <translation>{0} — her2desk</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="498"/>
        <location filename="../../her2desk/ui/main_window.py" line="895"/>
        <source>Computing the study's analyses…</source>
        <translation>正在计算研究分析…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="513"/>
        <source>{0} column was not recognised — &lt;a href='map-columns'&gt;Map columns…&lt;/a&gt;</source>
        <translation>{0} 列未能识别 — &lt;a href='map-columns'&gt;映射列…&lt;/a&gt;</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="515"/>
        <source>{0} columns were not recognised — &lt;a href='map-columns'&gt;Map columns…&lt;/a&gt;</source>
        <translation>{0} 列未能识别 — &lt;a href='map-columns'&gt;映射列…&lt;/a&gt;</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="541"/>
        <source>{0} cell needs fixing; {1} eligible patient has errors, so some of their analyses are left out: see the Validation tab.</source>
        <translation>{0} 个单元格需要修正；{1} 例符合条件的患者存在错误，其部分分析因此被略去：请查看“数据核查”页。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="543"/>
        <source>{0} cell needs fixing; {1} eligible patients have errors, so some of their analyses are left out: see the Validation tab.</source>
        <translation>{0} 个单元格需要修正；{1} 例符合条件的患者存在错误，其部分分析因此被略去：请查看“数据核查”页。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="545"/>
        <source>{0} cells need fixing; {1} eligible patient has errors, so some of their analyses are left out: see the Validation tab.</source>
        <translation>{0} 个单元格需要修正；{1} 例符合条件的患者存在错误，其部分分析因此被略去：请查看“数据核查”页。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="547"/>
        <source>{0} cells need fixing; {1} eligible patients have errors, so some of their analyses are left out: see the Validation tab.</source>
        <translation>{0} 个单元格需要修正；{1} 例符合条件的患者存在错误，其部分分析因此被略去：请查看“数据核查”页。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="552"/>
        <source>{0} cell needs fixing in {1} excluded patient; fixing it may change who is eligible. See the Validation tab.</source>
        <translation>{1} 例被排除的患者中有 {0} 个单元格需要修正；修正后可能改变入组结果。请查看“数据核查”页。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="554"/>
        <source>{0} cell needs fixing in {1} excluded patients; fixing it may change who is eligible. See the Validation tab.</source>
        <translation>{1} 例被排除的患者中有 {0} 个单元格需要修正；修正后可能改变入组结果。请查看“数据核查”页。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="556"/>
        <source>{0} cells need fixing in {1} excluded patient; fixing them may change who is eligible. See the Validation tab.</source>
        <translation>{1} 例被排除的患者中有 {0} 个单元格需要修正；修正后可能改变入组结果。请查看“数据核查”页。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="558"/>
        <source>{0} cells need fixing in {1} excluded patients; fixing them may change who is eligible. See the Validation tab.</source>
        <translation>{1} 例被排除的患者中有 {0} 个单元格需要修正；修正后可能改变入组结果。请查看“数据核查”页。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="561"/>
        <source>{0} cell needs fixing; fixing it may change who is eligible. See the Validation tab.</source>
        <translation>{0} 个单元格需要修正；修正后可能改变入组结果。请查看“数据核查”页。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="562"/>
        <source>{0} cells need fixing; fixing them may change who is eligible. See the Validation tab.</source>
        <translation>{0} 个单元格需要修正；修正后可能改变入组结果。请查看“数据核查”页。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="601"/>
        <source>The analyses could not be run. {0}</source>
        <translation>无法运行分析。{0}</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="605"/>
        <source>The analyses could not be run, so this page is empty.

{0}

The Data, Validation and Eligibility pages still show the study.</source>
        <translation>无法运行分析，因此本页为空。

{0}

“数据”“数据核查”和“入组筛选”页仍显示该研究。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="673"/>
        <source>Analyses done.</source>
        <translation>分析完成。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="682"/>
        <source>Open a study first: the paper's items are computed from its patients.</source>
        <translation>请先打开研究：论文条目由研究中的患者计算得出。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="714"/>
        <source>{0} could not be opened. {1}{2}</source>
        <translation>无法打开 {0}。{1}{2}</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="719"/>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="740"/>
        <source>No study open — File ▸ Open CRF… or drop a workbook here</source>
        <translation>未打开研究 — 文件 ▸ 打开 CRF…，或将工作簿拖放到此处</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="746"/>
        <source>{0} patients · {1} eligible · {2} error{3} · {4} warning{5}</source>
        <translation>{0} 例患者 · {1} 例符合条件 · {2} 个错误 · {4} 个警告</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="750"/>
        <source>Save empty CRF workbook</source>
        <translation>保存空白 CRF 工作簿</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="763"/>
        <source>Empty CRF saved as {0}.</source>
        <translation>空白 CRF 已保存为 {0}。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="773"/>
        <source>This page has no table to export yet.</source>
        <translation>本页尚无可导出的表格。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="776"/>
        <source>Export table</source>
        <translation>导出表格</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="794"/>
        <source>Table saved as {0}.</source>
        <translation>表格已保存为 {0}。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="806"/>
        <source>Figure saved as {0}.</source>
        <translation>图已保存为 {0}。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="813"/>
        <source>Open a study and wait for the analyses before exporting the report.</source>
        <translation>请先打开研究并等待分析完成，再导出报告。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="816"/>
        <source>Folder for the study report</source>
        <translation>研究报告的保存文件夹</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="824"/>
        <source>{0} already exist{1} in {2}. Replace {3}?</source>
        <translation>{2} 中已存在 {0}。是否替换？</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="824"/>
        <source>Replace the report?</source>
        <translation>替换现有报告？</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="834"/>
        <source>Every column of this study was recognised; there is nothing to map.</source>
        <translation>本研究的所有列均已识别，无需映射。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="931"/>
        <source>Applying the new settings…</source>
        <translation>正在应用新设置…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="955"/>
        <source>&amp;{0} {1}</source>
        <translation>&amp;{0} {1}</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="964"/>
        <source>her2desk user guide</source>
        <translation>her2desk 用户指南</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="978"/>
        <source>About her2desk</source>
        <translation>关于 her2desk</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="979"/>
        <source>her2desk — CRF import, validation and the analyses of HER2-positive breast cancer cohort studies (after Ran et al., BMC Cancer 2024).</source>
        <translation>her2desk — HER2 阳性乳腺癌队列研究的 CRF 导入、数据核查与统计分析（依据 Ran 等，BMC Cancer 2024）。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="997"/>
        <source>Drop the CRF workbook to open it</source>
        <translation>松开鼠标即可打开 CRF 工作簿</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="999"/>
        <source>{0} is not a CRF workbook
({1})</source>
        <translation>{0} 不是 CRF 工作簿
（{1}）</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="1029"/>
        <source>{0} is not a CRF workbook: {1}</source>
        <translation>{0} 不是 CRF 工作簿：{1}</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="1030"/>
        <source>{0} are not a CRF workbook: {1}</source>
        <translation>{0} 不是 CRF 工作簿：{1}</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/main_window.py" line="1085"/>
        <source>
&lt;h2&gt;her2desk in five steps&lt;/h2&gt;
&lt;ol&gt;
&lt;li&gt;&lt;b&gt;Get a CRF.&lt;/b&gt; File ▸ New CRF template… saves an empty workbook with drop-down lists.
 Fill one row per patient (rebiopsies: one row per biopsy).&lt;/li&gt;
&lt;li&gt;&lt;b&gt;Open it.&lt;/b&gt; File ▸ Open CRF… (Ctrl+O) or drop the .xlsx/.csv file on the window.
 Open sample study shows a complete example.&lt;/li&gt;
&lt;li&gt;&lt;b&gt;Fix what Validation lists.&lt;/b&gt; Errors (red) must be fixed in the workbook; warnings
 (amber) are worth a look. The Data tab tints the same cells; hover them for the reason.&lt;/li&gt;
&lt;li&gt;&lt;b&gt;Check Eligibility.&lt;/b&gt; Every excluded patient shows the first rule they failed.&lt;/li&gt;
&lt;li&gt;&lt;b&gt;Read the results.&lt;/b&gt; Baseline tables, neoadjuvant response, survival curves,
 Cox models and first-line therapy. Export any table (Ctrl+E) or the whole study report.&lt;/li&gt;
&lt;/ol&gt;
&lt;p&gt;Study settings… (data cutoff, enrolment window, FISH threshold, CI type, time unit) are
saved next to the workbook, so the same file always gives the same numbers.&lt;/p&gt;
&lt;p&gt;Keyboard: Ctrl+1 … Ctrl+8 switch pages, Ctrl+9 goes to the last page.&lt;/p&gt;
</source>
        <translation>
&lt;h2&gt;五步使用 her2desk&lt;/h2&gt;
&lt;ol&gt;
&lt;li&gt;&lt;b&gt;准备 CRF。&lt;/b&gt;文件 ▸ 新建 CRF 模板… 可保存带下拉列表的空白工作簿。
 每位患者填写一行（再活检：每次活检一行）。&lt;/li&gt;
&lt;li&gt;&lt;b&gt;打开 CRF。&lt;/b&gt;文件 ▸ 打开 CRF…（Ctrl+O），或将 .xlsx/.csv 文件拖放到窗口上。
 “打开示例研究”可查看完整示例。&lt;/li&gt;
&lt;li&gt;&lt;b&gt;修正“数据核查”列出的问题。&lt;/b&gt;错误（红色）必须在工作簿中修正；警告
 （琥珀色）值得查看。“数据”页会对相同单元格着色，鼠标悬停可查看原因。&lt;/li&gt;
&lt;li&gt;&lt;b&gt;检查入组筛选。&lt;/b&gt;每位被排除的患者都会显示其未满足的第一条标准。&lt;/li&gt;
&lt;li&gt;&lt;b&gt;阅读结果。&lt;/b&gt;基线特征表、新辅助治疗疗效、生存曲线、
 Cox 模型和一线治疗。可导出任一表格（Ctrl+E）或整份研究报告。&lt;/li&gt;
&lt;/ol&gt;
&lt;p&gt;研究设置…（数据截止日期、入组时间窗、FISH 阈值、置信区间类型、时间单位）保存在
工作簿旁，因此同一文件总能得到相同的数值。&lt;/p&gt;
&lt;p&gt;键盘：Ctrl+1 … Ctrl+8 切换页面，Ctrl+9 转到最后一页。&lt;/p&gt;
</translation>
    </message>
</context>
<context>
    <name>MappingCommand</name>
    <message>
        <location filename="../../her2desk/ui/undo.py" line="78"/>
        <source>The column mapping could not be saved next to {0}. {1}</source>
        <translation>无法在 {0} 旁保存列映射。{1}</translation>
    </message>
</context>
<context>
    <name>NeoadjuvantPanel</name>
    <message>
        <location filename="../../her2desk/ui/panels/neoadjuvant_panel.py" line="123"/>
        <source>Analysis:</source>
        <translation>分析：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/neoadjuvant_panel.py" line="184"/>
        <source>No patient in the cohort had neoadjuvant therapy with a recorded grade.</source>
        <translation>队列中没有接受新辅助治疗且记录了分级的患者。</translation>
    </message>
</context>
<context>
    <name>Panel</name>
    <message>
        <location filename="../../her2desk/ui/panels/base.py" line="41"/>
        <source>Open a study (File ▸ Open CRF…) to see this page.</source>
        <translation>请先打开研究（文件 ▸ 打开 CRF…）以查看本页。</translation>
    </message>
</context>
<context>
    <name>PaperNavigator</name>
    <message>
        <location filename="../../her2desk/ui/dialogs/paper_navigator.py" line="64"/>
        <source>Paper items</source>
        <translation>论文条目</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/paper_navigator.py" line="91"/>
        <source>Show in tab</source>
        <translation>在标签页中显示</translation>
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
        <location filename="../../her2desk/ui/report_figures.py" line="327"/>
        <source>The figure “{0}” could not be drawn: {1}</source>
        <translation>无法绘制图“{0}”：{1}</translation>
    </message>
</context>
<context>
    <name>ReportTable</name>
    <message>
        <location filename="../../her2desk/ui/panels/report_table.py" line="96"/>
        <source>Copy as tab-separated text</source>
        <translation>复制为制表符分隔文本</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/report_table.py" line="97"/>
        <source>Copy the whole table (Ctrl+C) to paste into Excel or Word</source>
        <translation>复制整张表格（Ctrl+C），可粘贴到 Excel 或 Word</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/report_table.py" line="99"/>
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
    <name>ResultTable</name>
    <message>
        <location filename="../../her2desk/ui/panels/result_table.py" line="103"/>
        <source>Double-click to list these patients.</source>
        <translation>双击可列出这些患者。</translation>
    </message>
</context>
<context>
    <name>SimplePatientListDialog</name>
    <message>
        <location filename="../../her2desk/ui/panels/result_table.py" line="174"/>
        <source>Patients: {0}</source>
        <translation>患者：{0}</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/result_table.py" line="177"/>
        <source>{0} patient{1} behind “{2}”</source>
        <translation>“{2}”对应的 {0} 例患者</translation>
    </message>
</context>
<context>
    <name>StudySession</name>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="175"/>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="176"/>
        <source>Save changes to the study?</source>
        <translation>是否保存对研究的更改？</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="177"/>
        <source>{0} has changes that are not saved in the study file.</source>
        <translation>{0} 有尚未保存到研究文件中的更改。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="147"/>
        <source>Save study</source>
        <translation>保存研究</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="173"/>
        <source>Open study</source>
        <translation>打开研究</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="178"/>
        <source>The data changed</source>
        <translation>数据已更改</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="197"/>
        <source>{0} cannot be opened: {1}</source>
        <translation>无法打开 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="229"/>
        <source>The data are those the study was saved with, but the results differ from the saved ones (another her2desk version or different analysis code).</source>
        <translation>数据与研究保存时相同，但结果与保存的结果不同（her2desk 版本或分析代码不同）。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/study_session.py" line="248"/>
        <source>{0} ({1}) — her2desk</source>
        <translation>{0}（{1}）— her2desk</translation>
    </message>
</context>
<context>
    <name>StudySettingsDialog</name>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="41"/>
        <source>Study settings</source>
        <translation>研究设置</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="65"/>
        <source>Include 'Unknown' levels in the tests</source>
        <translation>检验中纳入“未知”水平</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="79"/>
        <source>How the P values of each paper item's pairs of groups (all ER/PR pairs, regimen pairs…) are adjusted for multiplicity: unadjusted as the paper, or Holm / Benjamini–Hochberg within each item (R's p.adjust). Every footnote names the choice.</source>
        <translation>各论文条目中组间两两比较（所有 ER/PR 组对、方案组对…）的 P 值如何进行多重比较校正：与论文一样不校正，或在每个条目内用 Holm / Benjamini–Hochberg 法校正（同 R 的 p.adjust）。每条脚注都会注明所用方法。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="92"/>
        <source>Enrolment from</source>
        <translation>入组起始日期</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="93"/>
        <source>Enrolment to</source>
        <translation>入组截止日期</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="94"/>
        <source>Data cutoff</source>
        <translation>数据截止日期</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="95"/>
        <source>FISH HER2/CEP17 ratio ≥</source>
        <translation>FISH HER2/CEP17 比值 ≥</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="96"/>
        <source>De novo MBC within</source>
        <translation>初诊IV期判定窗口</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="98"/>
        <source>KM confidence interval</source>
        <translation>KM 置信区间</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="99"/>
        <source>Cox ties</source>
        <translation>Cox 模型结点处理</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="100"/>
        <source>Pairwise P values</source>
        <translation>两两比较 P 值</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/dialogs/settings_dialog.py" line="101"/>
        <source>Survival time axis</source>
        <translation>生存时间轴</translation>
    </message>
</context>
<context>
    <name>SurvivalPanel</name>
    <message>
        <location filename="../../her2desk/ui/panels/survival_panel.py" line="205"/>
        <source>95 % CI bands</source>
        <translation>95% 置信区间带</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/survival_panel.py" line="207"/>
        <source>Median lines</source>
        <translation>中位生存期线</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/survival_panel.py" line="208"/>
        <source>Yearly hazard</source>
        <translation>逐年风险</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/survival_panel.py" line="209"/>
        <source>Events per 100 person-years in each year of follow-up: shows when risk accrues, e.g. curves that cross late.</source>
        <translation>随访每一年内每 100 人年的事件数：显示风险何时累积，例如后期交叉的曲线。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/survival_panel.py" line="231"/>
        <source>Endpoint:</source>
        <translation>终点：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/survival_panel.py" line="234"/>
        <source>Compare:</source>
        <translation>比较：</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/survival_panel.py" line="237"/>
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
        <source>{0} errors</source>
        <translation>{0} 个错误</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/validation_panel.py" line="61"/>
        <source>{0} error</source>
        <translation>{0} 个错误</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/validation_panel.py" line="62"/>
        <source>{0} warning</source>
        <translation>{0} 个警告</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/panels/validation_panel.py" line="62"/>
        <source>{0} warnings</source>
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
        <location filename="../../her2desk/ui/panels/common.py" line="69"/>
        <source>Save figure ▾</source>
        <translation>保存图 ▾</translation>
    </message>
</context>
<context>
    <name>compare_freeze</name>
    <message>
        <location filename="../../her2desk/ui/compare_freeze.py" line="82"/>
        <source>Compare wit&amp;h another version…</source>
        <translation>与另一版本比较(&amp;H)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/compare_freeze.py" line="83"/>
        <source>What changed between this study and another freeze of it</source>
        <translation>本研究与其另一冻结版本之间的变化</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/compare_freeze.py" line="93"/>
        <location filename="../../her2desk/ui/compare_freeze.py" line="111"/>
        <source>Open a study first, then compare it with another version.</source>
        <translation>请先打开研究，再与另一版本比较。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/compare_freeze.py" line="96"/>
        <source>Compare with another version</source>
        <translation>与另一版本比较</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/compare_freeze.py" line="144"/>
        <source>Comparing with {0}…</source>
        <translation>正在与 {0} 比较…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/compare_freeze.py" line="162"/>
        <source>Compared {0} with {1}</source>
        <translation>已比较 {0} 与 {1}</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/compare_freeze.py" line="170"/>
        <source>Save comparison</source>
        <translation>保存比较结果</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/compare_freeze.py" line="185"/>
        <source>Comparison saved as {0}.</source>
        <translation>比较结果已保存为 {0}。</translation>
    </message>
</context>
<context>
    <name>figure_styles</name>
    <message>
        <location filename="../../her2desk/ui/figure_styles.py" line="67"/>
        <source>The figure options could not be saved with the study: {0}</source>
        <translation>图形选项未能随研究保存：{0}</translation>
    </message>
</context>
<context>
    <name>printing</name>
    <message>
        <location filename="../../her2desk/ui/printing.py" line="105"/>
        <source>This page has nothing to print yet.</source>
        <translation>本页尚无可打印的内容。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/printing.py" line="111"/>
        <source>Print preview</source>
        <translation>打印预览</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/printing.py" line="122"/>
        <source>Pr&amp;int…</source>
        <translation>打印(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/printing.py" line="124"/>
        <source>Print this page's figures and table, with a preview</source>
        <translation>打印本页的图和表格（带预览）</translation>
    </message>
</context>
<context>
    <name>redcap_open</name>
    <message>
        <location filename="../../her2desk/ui/redcap_open.py" line="50"/>
        <source>REDCap data dictionary</source>
        <translation>REDCap 数据字典</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/redcap_open.py" line="51"/>
        <source>{0} looks like a REDCap export, and its data dictionary {1} is in the same folder. Read the records with this dictionary?</source>
        <translation>{0} 看起来是 REDCap 导出文件，其数据字典 {1} 在同一文件夹中。是否用此数据字典读取记录？</translation>
    </message>
</context>
<context>
    <name>table_actions</name>
    <message>
        <location filename="../../her2desk/ui/table_actions.py" line="39"/>
        <source>This page has no table to copy yet.</source>
        <translation>本页尚无可复制的表格。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/table_actions.py" line="42"/>
        <source>Copied {0} ({1} rows): paste it into Word or Excel.</source>
        <translation>已复制{0}（{1} 行）：可粘贴到 Word 或 Excel。</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/table_actions.py" line="48"/>
        <source>&amp;Copy table</source>
        <translation>复制表格(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../her2desk/ui/table_actions.py" line="50"/>
        <source>Copy the table of this page, with its title and footnotes, to paste into Word (as a table) or Excel</source>
        <translation>复制本页表格（含标题和脚注），可粘贴到 Word（作为表格）或 Excel</translation>
    </message>
</context>
<context>
    <name>FlowchartView</name>
    <message>
        <location filename="../../her2desk/ui/plots/flowchart.py" line="159"/>
        <source>Figure options…</source>
        <translation>图形选项…</translation>
    </message>
</context>
</TS>
