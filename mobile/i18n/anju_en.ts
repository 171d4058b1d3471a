<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AuditPage</name>
    <message>
        <source>正在校验日志…</source>
        <translation>Verifying the log…</translation>
    </message>
    <message>
        <source>起始日期 2026-11-01</source>
        <translation>From, e.g. 2026-11-01</translation>
    </message>
    <message>
        <source>截止日期</source>
        <translation>To date</translation>
    </message>
    <message>
        <source>网格</source>
        <translation>Grid</translation>
    </message>
    <message>
        <source>用户</source>
        <translation>User</translation>
    </message>
    <message>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <source>发现冲突</source>
        <translation>Conflict found</translation>
    </message>
    <message>
        <source>裁决</source>
        <translation>Decision</translation>
    </message>
    <message>
        <source>退回</source>
        <translation>Returned</translation>
    </message>
    <message>
        <source>审核通过</source>
        <translation>Approved</translation>
    </message>
    <message>
        <source>全部决定</source>
        <translation>All decisions</translation>
    </message>
    <message>
        <source>采用服务器值</source>
        <translation>Server value kept</translation>
    </message>
    <message>
        <source>采用上报值</source>
        <translation>Reported value used</translation>
    </message>
    <message>
        <source>合并值</source>
        <translation>Merged value</translation>
    </message>
    <message>
        <source>显示全部</source>
        <translation>Show all</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>导出 CSV</source>
        <translation>Export CSV</translation>
    </message>
    <message>
        <source>已导出到 %1</source>
        <translation>Exported to %1</translation>
    </message>
    <message>
        <source>操作人 %1</source>
        <translation>By %1</translation>
    </message>
    <message>
        <source>「%1」最终值:%2 · 理由:%3</source>
        <translation>“%1” final value: %2 · Reason: %3</translation>
    </message>
    <message>
        <source>「%1」服务器:%2 · 上报:%3</source>
        <translation>“%1” server: %2 · reported: %3</translation>
    </message>
    <message>
        <source>查看此冲突的全部记录</source>
        <translation>Show the whole history of this conflict</translation>
    </message>
    <message>
        <source>账号变更</source>
        <translation>Account changes</translation>
    </message>
    <message>
        <source>网格命名</source>
        <translation>Grids named</translation>
    </message>
</context>
<context>
    <name>ChoiceInput</name>
    <message>
        <source>请选择</source>
        <translation>Choose…</translation>
    </message>
</context>
<context>
    <name>ConflictInboxPage</name>
    <message>
        <source>待处理</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>已自动处理</source>
        <translation>Auto-resolved</translation>
    </message>
    <message>
        <source>已裁决</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>全部网格</source>
        <translation>All grids</translation>
    </message>
    <message>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <source>同时修改</source>
        <translation>Concurrent edits</translation>
    </message>
    <message>
        <source>修改与删除</source>
        <translation>Edit vs. delete</translation>
    </message>
    <message>
        <source>删除与修改</source>
        <translation>Delete vs. edit</translation>
    </message>
    <message>
        <source>重复人员</source>
        <translation>Duplicate person</translation>
    </message>
    <message>
        <source>字段,如 phone</source>
        <translation>Field, e.g. phone</translation>
    </message>
    <message>
        <source>任何时间</source>
        <translation>Any time</translation>
    </message>
    <message>
        <source>超过 3 天</source>
        <translation>Older than 3 days</translation>
    </message>
    <message>
        <source>超过 7 天</source>
        <translation>Older than 7 days</translation>
    </message>
    <message>
        <source>正在读取…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>%1 与 %2 · %3 天前</source>
        <translation>%1 and %2 · %3 days ago</translation>
    </message>
    <message>
        <source>从左侧选择一条冲突</source>
        <translation>Choose a conflict on the left</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>%1 · 规则:%2 · 发现于 %3 · 当前暂用值:%4</source>
        <translation>%1 · Rule: %2 · Found %3 · Value in use for now: %4</translation>
    </message>
    <message>
        <source>需审核</source>
        <translation>Needs review</translation>
    </message>
    <message>
        <source>较新者优先</source>
        <translation>Newer wins</translation>
    </message>
    <message>
        <source>修改前</source>
        <translation>Before</translation>
    </message>
    <message>
        <source>服务器上(先到)</source>
        <translation>On the server (arrived first)</translation>
    </message>
    <message>
        <source>设备 %1</source>
        <translation>Device %1</translation>
    </message>
    <message>
        <source>本次上报(后到)</source>
        <translation>This upload (arrived later)</translation>
    </message>
    <message>
        <source>设备 %1 · %2</source>
        <translation>Device %1 · %2</translation>
    </message>
    <message>
        <source>网格员 %1</source>
        <translation>Grid worker %1</translation>
    </message>
    <message>
        <source>处理理由(必填)</source>
        <translation>Reason (required)</translation>
    </message>
    <message>
        <source>例如:已电话核实户主,以新号码为准</source>
        <translation>E.g. phoned the household head; the new number is right</translation>
    </message>
    <message>
        <source>同一身份证号登记了两个人:合并为一人,空白项由另一条补齐,走访记录都保留。</source>
        <translation>Two people were registered with the same ID number. Merge them into one: blanks are filled from the other record and all visits are kept.</translation>
    </message>
    <message>
        <source>两人在不同户时,把重复登记的那一户并入保留的户</source>
        <translation>If they are in different households, merge the duplicate household into the one kept</translation>
    </message>
    <message>
        <source>保留先登记的人员并合并</source>
        <translation>Keep the earlier record and merge</translation>
    </message>
    <message>
        <source>保留新登记的人员并合并</source>
        <translation>Keep the newer record and merge</translation>
    </message>
    <message>
        <source>恢复记录</source>
        <translation>Restore the record</translation>
    </message>
    <message>
        <source>采用服务器上的值</source>
        <translation>Use the server value</translation>
    </message>
    <message>
        <source>确认删除</source>
        <translation>Confirm deletion</translation>
    </message>
    <message>
        <source>采用本次上报的值</source>
        <translation>Use the uploaded value</translation>
    </message>
    <message>
        <source>或填写合并后的值</source>
        <translation>Or enter a merged value</translation>
    </message>
    <message>
        <source>采用合并值</source>
        <translation>Use merged value</translation>
    </message>
    <message numerus="yes">
        <source>共 %n 条</source>
        <translation>
            <numerusform>%n in total</numerusform>
            <numerusform>%n in total</numerusform>
        </translation>
    </message>
    <message>
        <source>网格外的修改</source>
        <translation>Edit from outside the grid</translation>
    </message>
    <message>
        <source>服务器上</source>
        <translation>On the server</translation>
    </message>
    <message>
        <source>网格外上报</source>
        <translation>Sent from outside the grid</translation>
    </message>
    <message>
        <source>不采用</source>
        <translation>Leave it</translation>
    </message>
    <message>
        <source>采用网格外上报的修改</source>
        <translation>Take the edit</translation>
    </message>
    <message numerus="yes">
        <source>同时处理这条记录的其余 %n 项网格外修改</source>
        <translation>
            <numerusform>Also decide the %n other edit of this record from outside the grid</numerusform>
            <numerusform>Also decide the %n other edits of this record from outside the grid</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 上报 · %2 天前</source>
        <translation>sent by %1 · %2 days ago</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <source>已导出到 %1</source>
        <translation>Exported to %1</translation>
    </message>
    <message>
        <source>户数</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>人数</source>
        <translation>People</translation>
    </message>
    <message>
        <source>本月已走访户</source>
        <translation>Visited this month</translation>
    </message>
    <message>
        <source>监测户逾期未回访</source>
        <translation>Monitored, revisit overdue</translation>
    </message>
    <message>
        <source>待处理冲突</source>
        <translation>Open conflicts</translation>
    </message>
    <message>
        <source>正在读取…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>%1 月 · 全社区走访率 %2 · 有劳动力户中稳定就业 %3</source>
        <translation>%1 · Community visit rate %2 · Stable work in households with workers %3</translation>
    </message>
    <message>
        <source>各网格本月走访率与稳定就业率(%)</source>
        <translation>Visit rate this month and stable work rate by grid (%)</translation>
    </message>
    <message>
        <source>本月走访率</source>
        <translation>Visit rate this month</translation>
    </message>
    <message>
        <source>稳定就业率</source>
        <translation>Stable work rate</translation>
    </message>
    <message>
        <source>网格</source>
        <translation>Grid</translation>
    </message>
    <message>
        <source>走访率</source>
        <translation>Visit rate</translation>
    </message>
    <message>
        <source>监测户</source>
        <translation>Monitored</translation>
    </message>
    <message>
        <source>逾期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>稳定就业</source>
        <translation>Stable work</translation>
    </message>
    <message>
        <source>冲突</source>
        <translation>Conflicts</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>导出 CSV</source>
        <translation>Export CSV</translation>
    </message>
    <message>
        <source>导出 Excel</source>
        <translation>Export Excel</translation>
    </message>
</context>
<context>
    <name>DateInput</name>
    <message>
        <source>选择日期</source>
        <translation>Pick a date</translation>
    </message>
    <message>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>清除</source>
        <translation>Clear</translation>
    </message>
</context>
<context>
    <name>FormPage</name>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>放弃修改?</source>
        <translation>Discard changes?</translation>
    </message>
    <message>
        <source>填写的内容还没有保存。</source>
        <translation>Your entries have not been saved.</translation>
    </message>
    <message>
        <source>此户所在的网格 %1 已不由您负责:只能查看,不能保存修改。</source>
        <translation>This household&apos;s grid, %1, is no longer yours: you can read it but not save changes.</translation>
    </message>
</context>
<context>
    <name>GridAssignmentPage</name>
    <message>
        <source>网格分配:为本社区的网格员分配负责的网格。调整后,网格员的平板在下次同步时按新的网格收发数据。</source>
        <translation>Grid assignment: give your community&apos;s grid workers the grids they look after. After a change, a worker&apos;s tablet sends and receives data for the new grids from its next sync.</translation>
    </message>
    <message>
        <source>正在读取…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>本社区还没有网格员账号。请管理员先创建账号。</source>
        <translation>There are no grid worker accounts in this community yet. Ask an administrator to create them.</translation>
    </message>
    <message>
        <source>负责网格:%1</source>
        <translation>Grids: %1</translation>
    </message>
    <message>
        <source>另有 %1 个其他社区的网格(不在此调整)</source>
        <translation>Also %1 grid(s) of other communities (not changed here)</translation>
    </message>
    <message>
        <source>调整网格</source>
        <translation>Change grids</translation>
    </message>
    <message>
        <source>%1(%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <source>住户</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>冲突审核</source>
        <translation>Conflict review</translation>
    </message>
    <message>
        <source>审计日志</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <source>统计</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <source>网格分配</source>
        <translation>Grid assignment</translation>
    </message>
</context>
<context>
    <name>HouseholdDelegate</name>
    <message>
        <source>本月待回访</source>
        <translation>Revisit due this month</translation>
    </message>
    <message>
        <source>已退回,待修改</source>
        <translation>Returned, needs changes</translation>
    </message>
    <message>
        <source>冲突/退回 %1</source>
        <translation>Conflicts/returns %1</translation>
    </message>
    <message>
        <source>尚未走访</source>
        <translation>Not visited yet</translation>
    </message>
    <message>
        <source>走访 %1</source>
        <translation>Visited %1</translation>
    </message>
    <message numerus="yes">
        <source>%n 人</source>
        <translation>
            <numerusform>%n person</numerusform>
            <numerusform>%n people</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n 项未同步</source>
        <translation>
            <numerusform>%n not synced</numerusform>
            <numerusform>%n not synced</numerusform>
        </translation>
    </message>
    <message>
        <source>网格 %1,已不由您负责</source>
        <translation>Grid %1: no longer yours</translation>
    </message>
</context>
<context>
    <name>HouseholdListPane</name>
    <message>
        <source>户数</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>人数</source>
        <translation>People</translation>
    </message>
    <message>
        <source>本月已走访</source>
        <translation>Visited this month</translation>
    </message>
    <message>
        <source>搜索姓名、身份证号或住址</source>
        <translation>Search name, ID number or address</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>本月待回访 %1</source>
        <translation>Revisit due %1</translation>
    </message>
    <message>
        <source>监测户</source>
        <translation>Monitored</translation>
    </message>
    <message>
        <source>冲突或退回 %1</source>
        <translation>Conflicts or returns %1</translation>
    </message>
    <message>
        <source>全部监测类别</source>
        <translation>All monitoring categories</translation>
    </message>
    <message>
        <source>脱贫不稳定户</source>
        <translation>Unstable out of poverty</translation>
    </message>
    <message>
        <source>边缘易致贫户</source>
        <translation>Marginal, at risk of poverty</translation>
    </message>
    <message>
        <source>突发严重困难户</source>
        <translation>Sudden severe hardship</translation>
    </message>
    <message>
        <source>没有找到符合条件的住户</source>
        <translation>No matching households</translation>
    </message>
    <message>
        <source>还没有住户。联网同步,或新增一户。</source>
        <translation>No households yet. Sync when online, or add one.</translation>
    </message>
    <message>
        <source>+ 新增住户</source>
        <translation>+ Add household</translation>
    </message>
    <message numerus="yes">
        <source>共 %n 户</source>
        <translation>
            <numerusform>%n household</numerusform>
            <numerusform>%n households</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HouseholdPage</name>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>%1户</source>
        <translation>%1 household</translation>
    </message>
    <message>
        <source>记录走访</source>
        <translation>Record a visit</translation>
    </message>
    <message>
        <source>社区已审核通过</source>
        <translation>Approved by the community</translation>
    </message>
    <message>
        <source>已重新提交,等待社区审核</source>
        <translation>Resubmitted, waiting for community review</translation>
    </message>
    <message>
        <source>概况</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>成员 %1</source>
        <translation>Members %1</translation>
    </message>
    <message>
        <source>走访 %1</source>
        <translation>Visits %1</translation>
    </message>
    <message>
        <source>调查内容</source>
        <translation>Survey</translation>
    </message>
    <message>
        <source>%1 岁</source>
        <translation>age %1</translation>
    </message>
    <message>
        <source>有冲突</source>
        <translation>Conflict</translation>
    </message>
    <message>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>+ 添加成员</source>
        <translation>+ Add member</translation>
    </message>
    <message>
        <source>还没有走访记录</source>
        <translation>No visits recorded yet</translation>
    </message>
    <message>
        <source>见到:%1</source>
        <translation>Met: %1</translation>
    </message>
    <message>
        <source>诉求:%1</source>
        <translation>Requests: %1</translation>
    </message>
    <message>
        <source>跟进:%1</source>
        <translation>Follow-up: %1</translation>
    </message>
    <message>
        <source>已填 %1/%2</source>
        <translation>%1/%2 answered</translation>
    </message>
    <message>
        <source>此户所在的网格 %1 已不由您负责(此户移交到了该网格,或社区调整了您的网格)。本机只能查看,不能再修改或记录走访;如需更正,请联系社区。</source>
        <translation>This household&apos;s grid, %1, is no longer yours (the household moved there, or the community changed your grids). On this tablet you can read it but not change it or log visits; for corrections, contact the community office.</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>安居 · 一户一档</source>
        <translation>Anju · Household files</translation>
    </message>
</context>
<context>
    <name>MaskedText</name>
    <message>
        <source>已隐藏,点按显示</source>
        <translation>Hidden, tap to show</translation>
    </message>
</context>
<context>
    <name>NoticeCard</name>
    <message>
        <source>冲突:%1的「%2」与其他人的修改不一致,已记录,由社区核实</source>
        <translation>Conflict: “%2” (%1) differs from someone else’s change. Recorded for the community to check</translation>
    </message>
    <message>
        <source>被退回:%1的「%2」未被服务器接受</source>
        <translation>Returned: the server did not accept “%2” (%1)</translation>
    </message>
    <message>
        <source>您填写的值:</source>
        <translation>Your value:</translation>
    </message>
    <message>
        <source>知道了</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>已转交社区:%1的「%2」</source>
        <translation>Passed to the community: “%2” (%1)</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>发现冲突</source>
        <translation>Conflict found</translation>
    </message>
    <message>
        <source>裁决</source>
        <translation>Decision</translation>
    </message>
    <message>
        <source>退回</source>
        <translation>Returned</translation>
    </message>
    <message>
        <source>审核通过</source>
        <translation>Approved</translation>
    </message>
    <message>
        <source>合并人员</source>
        <translation>People merged</translation>
    </message>
    <message>
        <source>账号变更</source>
        <translation>Account change</translation>
    </message>
    <message>
        <source>网格命名</source>
        <translation>Grid named</translation>
    </message>
    <message>
        <source>网格员</source>
        <translation>grid worker</translation>
    </message>
    <message>
        <source>网格长</source>
        <translation>supervisor</translation>
    </message>
    <message>
        <source>审计员</source>
        <translation>auditor</translation>
    </message>
    <message>
        <source>管理员</source>
        <translation>administrator</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>all</translation>
    </message>
    <message>
        <source>新增账号 %1(%2)· 网格:%3</source>
        <translation>Account %1 added (%2) · grids: %3</translation>
    </message>
    <message>
        <source>停用账号 %1</source>
        <translation>Account %1 revoked</translation>
    </message>
    <message>
        <source>账号 %1 的网格:%2 → %3</source>
        <translation>Grids of %1: %2 → %3</translation>
    </message>
    <message>
        <source>重设账号 %1 的密码</source>
        <translation>Password of %1 reset</translation>
    </message>
    <message>
        <source>网格 %1 命名为「%2」</source>
        <translation>Grid %1 named “%2”</translation>
    </message>
    <message>
        <source>网格 %1 由「%2」改名为「%3」</source>
        <translation>Grid %1 renamed from “%2” to “%3”</translation>
    </message>
    <message>
        <source>同一项被两人修改</source>
        <translation>Edited by two people</translation>
    </message>
    <message>
        <source>修改与删除(服务器已删除)</source>
        <translation>Edit vs. delete (deleted on the server)</translation>
    </message>
    <message>
        <source>删除与修改(上报为删除)</source>
        <translation>Delete vs. edit (reported as deleted)</translation>
    </message>
    <message>
        <source>重复人员(身份证号相同)</source>
        <translation>Duplicate person (same ID number)</translation>
    </message>
    <message>
        <source>待处理</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>已自动处理</source>
        <translation>Auto-resolved</translation>
    </message>
    <message>
        <source>已裁决</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <source>网格外的修改(上报人已不负责该网格)</source>
        <translation>Edit from outside the grid (the sender no longer covers it)</translation>
    </message>
</context>
<context>
    <name>QuestionDelegate</name>
    <message>
        <source>已按身份证号填写</source>
        <translation>Filled in from the ID number</translation>
    </message>
</context>
<context>
    <name>ReviewCard</name>
    <message>
        <source>社区退回:请按意见修改后重新提交</source>
        <translation>Returned by the community: please make the requested changes and resubmit</translation>
    </message>
    <message>
        <source>• %1「%2」:%3</source>
        <translation>• %1 “%2”: %3</translation>
    </message>
    <message>
        <source>说明改了什么(可选)</source>
        <translation>What did you change? (optional)</translation>
    </message>
    <message>
        <source>已标记,下次同步提交</source>
        <translation>Marked; will be sent at the next sync</translation>
    </message>
    <message>
        <source>已修改,重新提交</source>
        <translation>Changes made, resubmit</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>语言 / Language</source>
        <translation>Language / 语言</translation>
    </message>
    <message>
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>%1(%2)· 网格 %3</source>
        <translation>%1 (%2) · Grid %3</translation>
    </message>
    <message>
        <source>服务器</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>锁定</source>
        <translation>Lock</translation>
    </message>
    <message>
        <source>所有数据先保存在本机,联网后自动同步。</source>
        <translation>All data is saved on this tablet first and syncs automatically when online.</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>登录安居</source>
        <translation>Sign in to Anju</translation>
    </message>
    <message>
        <source>第一次使用需要联网登录;之后没有信号也可以用密码解锁。</source>
        <translation>The first sign-in needs a connection; after that you can unlock with your password, even with no signal.</translation>
    </message>
    <message>
        <source>服务器地址</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>正在登录…</source>
        <translation>Signing in…</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
</context>
<context>
    <name>SupervisorReviewPanel</name>
    <message>
        <source>已退回,等待网格员修改</source>
        <translation>Returned, waiting for the grid worker&apos;s fixes</translation>
    </message>
    <message>
        <source>网格员已重新提交,待审核</source>
        <translation>Resubmitted by the grid worker, waiting for review</translation>
    </message>
    <message>
        <source>已审核通过</source>
        <translation>Approved</translation>
    </message>
    <message>
        <source>尚未审核</source>
        <translation>Not reviewed yet</translation>
    </message>
    <message>
        <source>社区审核</source>
        <translation>Community review</translation>
    </message>
    <message>
        <source>审核通过</source>
        <translation>Approve</translation>
    </message>
    <message>
        <source>%1 %2 %3 %4</source>
        <translation>%1 %2 %3 %4</translation>
    </message>
    <message>
        <source>• 「%1」:%2</source>
        <translation>• “%1”: %2</translation>
    </message>
    <message>
        <source>修改意见,如 门牌号与实际不符</source>
        <translation>What to fix, e.g. the door number does not match</translation>
    </message>
    <message>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>说明(可选)</source>
        <translation>Note (optional)</translation>
    </message>
    <message>
        <source>退回给网格员</source>
        <translation>Return to the grid worker</translation>
    </message>
</context>
<context>
    <name>SyncStatusBar</name>
    <message>
        <source>安居</source>
        <translation>Anju</translation>
    </message>
    <message>
        <source>在线</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>全部已同步</source>
        <translation>All synced</translation>
    </message>
    <message>
        <source>上次同步 %1</source>
        <translation>Last sync %1</translation>
    </message>
    <message>
        <source>尚未同步</source>
        <translation>Not synced yet</translation>
    </message>
    <message>
        <source>同步中…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <source>立即同步</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message numerus="yes">
        <source>%n 条修改待同步</source>
        <translation>
            <numerusform>%n change waiting to sync</numerusform>
            <numerusform>%n changes waiting to sync</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UnlockPage</name>
    <message>
        <source>您好,%1</source>
        <translation>Hello, %1</translation>
    </message>
    <message>
        <source>输入密码解锁。无需联网,数据都在本机。</source>
        <translation>Enter your password to unlock. No connection needed: your data is on this tablet.</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>换一个账号联网登录</source>
        <translation>Sign in online with another account</translation>
    </message>
</context>
<context>
    <name>WorkspacePage</name>
    <message>
        <source>从左侧选择一户,查看一户一档</source>
        <translation>Choose a household on the left to open its file</translation>
    </message>
</context>
<context>
    <name>YesNoInput</name>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>否</source>
        <translation>No</translation>
    </message>
</context>
<context>
    <name>anju::AuditLogModel</name>
    <message>
        <source>(空)</source>
        <translation>(empty)</translation>
    </message>
    <message>
        <source>日志被改动:第 %1 条起校验失败 — %2</source>
        <translation>The log was altered: verification fails from entry %1 on — %2</translation>
    </message>
    <message>
        <source>无法写入 %1</source>
        <translation>Cannot write %1</translation>
    </message>
    <message numerus="yes">
        <source>哈希链完整,签名有效(共 %n 条)</source>
        <translation>
            <numerusform>Hash chain intact, signatures valid (%n entry)</numerusform>
            <numerusform>Hash chain intact, signatures valid (%n entries)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>anju::ConflictInboxModel</name>
    <message>
        <source>已删除</source>
        <translation>Deleted</translation>
    </message>
    <message>
        <source>保留</source>
        <translation>Kept</translation>
    </message>
    <message>
        <source>(空)</source>
        <translation>(empty)</translation>
    </message>
    <message>
        <source>%1户 · %2</source>
        <translation>%1 household · %2</translation>
    </message>
    <message>
        <source>(未记录)</source>
        <translation>(not recorded)</translation>
    </message>
    <message>
        <source>请填写处理理由</source>
        <translation>Please enter a reason</translation>
    </message>
    <message>
        <source>已处理,决定会同步到相关平板</source>
        <translation>Done. The decision will sync to the tablets concerned</translation>
    </message>
</context>
<context>
    <name>anju::DashboardModel</name>
    <message>
        <source>无法写入 %1</source>
        <translation>Cannot write %1</translation>
    </message>
</context>
<context>
    <name>anju::GridAssignmentModel</name>
    <message>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <source>%1(%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>%1 的网格已改为:%2。下次同步时生效。</source>
        <translation>%1&apos;s grids are now: %2. This takes effect on their next sync.</translation>
    </message>
</context>
<context>
    <name>anju::HouseholdFile</name>
    <message>
        <source>本户</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>走访 %1</source>
        <translation>Visit %1</translation>
    </message>
    <message>
        <source>网格</source>
        <translation>Grid</translation>
    </message>
    <message>
        <source>居住状况</source>
        <translation>Residence status</translation>
    </message>
    <message>
        <source>监测类别</source>
        <translation>Monitoring category</translation>
    </message>
    <message>
        <source>家庭人口</source>
        <translation>Household size</translation>
    </message>
    <message>
        <source>劳动力</source>
        <translation>Workers</translation>
    </message>
    <message>
        <source>人均可支配收入</source>
        <translation>Disposable income per person</translation>
    </message>
    <message>
        <source>%1 元</source>
        <translation>%1 yuan</translation>
    </message>
    <message>
        <source>稳定就业</source>
        <translation>Stable work</translation>
    </message>
    <message>
        <source>无劳动力</source>
        <translation>No one able to work</translation>
    </message>
    <message>
        <source>有</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>无</source>
        <translation>No</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Contact phone</translation>
    </message>
    <message>
        <source>最近走访</source>
        <translation>Last visit</translation>
    </message>
    <message>
        <source>尚未走访</source>
        <translation>Not visited yet</translation>
    </message>
    <message>
        <source>%1:%2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>;</source>
        <translation>; </translation>
    </message>
</context>
<context>
    <name>anju::RecordForm</name>
    <message>
        <source>新增%1</source>
        <translation>New %1</translation>
    </message>
    <message>
        <source>编辑%1</source>
        <translation>Edit %1</translation>
    </message>
    <message>
        <source>保存失败,数据未写入:%1</source>
        <translation>Saving failed, nothing was written: %1</translation>
    </message>
    <message>
        <source>还有问题需要修改,已在题目下方标出</source>
        <translation>Some answers need fixing; see the notes under the questions</translation>
    </message>
    <message numerus="yes">
        <source>还有 %n 处需要修改,已在题目下方标出</source>
        <translation>
            <numerusform>%n answer needs fixing; see the note under the question</numerusform>
            <numerusform>%n answers need fixing; see the notes under the questions</numerusform>
        </translation>
    </message>
    <message>
        <source>此户所在的网格 %1 已不由您负责,修改无法保存。如需更正,请联系社区。</source>
        <translation>This household&apos;s grid, %1, is no longer yours, so changes cannot be saved. For corrections, contact the community office.</translation>
    </message>
</context>
<context>
    <name>anju::ReviewController</name>
    <message>
        <source>请至少写一条修改意见</source>
        <translation>Write at least one comment on what to fix</translation>
    </message>
    <message>
        <source>已退回给网格员,对方同步后会看到意见</source>
        <translation>Returned to the grid worker, who will see your comments after the next sync</translation>
    </message>
    <message>
        <source>已审核通过</source>
        <translation>Approved</translation>
    </message>
</context>
<context>
    <name>anju::Session</name>
    <message>
        <source>服务器地址应以 https:// 或 http:// 开头</source>
        <translation>The server address must start with https:// or http://</translation>
    </message>
    <message>
        <source>请输入用户名和密码</source>
        <translation>Please enter your username and password</translation>
    </message>
    <message>
        <source>密码错误次数过多,请联网重新登录</source>
        <translation>Too many wrong passwords. Please sign in again online</translation>
    </message>
    <message>
        <source>密码错误,还可以再试 %1 次</source>
        <translation>Wrong password. %1 tries left</translation>
    </message>
    <message>
        <source>登录已过期,请联网后重新登录;未同步的数据仍保存在本机</source>
        <translation>Your sign-in has expired. Please sign in again when online; unsynced data stays on this tablet</translation>
    </message>
</context>
<context>
    <name>anju::SyncController</name>
    <message>
        <source>正在连接服务器</source>
        <translation>Connecting to the server</translation>
    </message>
    <message>
        <source>正在上传 %1/%2</source>
        <translation>Uploading %1/%2</translation>
    </message>
    <message>
        <source>正在下载 %1 条更新</source>
        <translation>Downloading %1 updates</translation>
    </message>
    <message>
        <source>已上传 %1 条,下载 %2 条</source>
        <translation>Uploaded %1, downloaded %2</translation>
    </message>
    <message>
        <source>;%1 条冲突、%2 条被退回,请查看标记的住户</source>
        <translation>; %1 conflicts, %2 returned. Check the marked households</translation>
    </message>
    <message>
        <source>;%1 户已不在您负责的网格内,已从本机移除</source>
        <translation>; %1 households are no longer in your grids and were removed from this tablet</translation>
    </message>
    <message>
        <source>;%1</source>
        <translation>; %1</translation>
    </message>
    <message numerus="yes">
        <source>;%n 条冲突,请查看标记的住户</source>
        <translation>
            <numerusform>; %n conflict. Check the marked households</numerusform>
            <numerusform>; %n conflicts. Check the marked households</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>;%n 条被退回,请查看标记的住户</source>
        <translation>
            <numerusform>; %n returned. Check the marked households</numerusform>
            <numerusform>; %n returned. Check the marked households</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>;%n 条修改不在您的网格内,已转交社区审核</source>
        <translation>
            <numerusform>; %n edit outside your grids was passed to the community to decide</numerusform>
            <numerusform>; %n edits outside your grids were passed to the community to decide</numerusform>
        </translation>
    </message>
</context>
</TS>
