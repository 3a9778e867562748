"""Rendering of script content: markup subset, variables, escaping."""

from types import SimpleNamespace

from scripts_mgmt.rendering import render_content, variables_in
from scripts_mgmt.variables import lead_values, mask_phone, unknown_variables


def test_markup_subset():
    html = render_content(
        "# 开场\n## 小节\n您好\n第二行\n\n- 一\n- **二**\n1. 甲\n2) 乙\n> 注意语气\n*强调* ==重点==", {}
    ).html
    assert html == (
        "<h3>开场</h3>\n<h4>小节</h4>\n<p>您好<br>第二行</p>\n<ul><li>一</li><li><strong>二</strong></li></ul>\n"
        '<ol><li>甲</li><li>乙</li></ol>\n<blockquote class="script-note">注意语气</blockquote>\n'
        "<p><em>强调</em> <mark>重点</mark></p>"
    )


def test_variables_are_filled_and_escaped():
    result = render_content(
        "您好，{{ 姓名 }}！客户号 **{{customer_id}}**", {"姓名": "张三", "customer_id": "A<1>"}
    )
    assert '<span class="script-var" data-var="姓名">张三</span>' in result.html
    assert '<strong><span class="script-var" data-var="customer_id">A&lt;1&gt;</span></strong>' in result.html
    assert result.used == ["姓名", "customer_id"] and result.missing == []


def test_lead_data_cannot_inject_html_or_markup():
    evil = {
        "name": "<script>alert(1)</script><img src=x onerror=alert(1)>",
        "note": "**bold** {{name}} ==x==",
    }
    html = render_content("{{name}} / {{note}}", evil).html
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>" not in html and "<mark>" not in html  # lead text is never markup
    assert "{{name}}" in html  # nor re-expanded


def test_html_in_the_script_itself_is_shown_as_text():
    html = render_content('<b onclick="x()">hi</b> <a href="javascript:alert(1)">x</a> \x00', {}).html
    assert "<b" not in html and "<a" not in html and "\x00" not in html
    assert "&lt;b onclick=&quot;x()&quot;&gt;" in html


def test_missing_variables_show_a_visible_placeholder():
    result = render_content("{{姓名}}先生 {{empty}} {{姓名}}", {"empty": "  "}, "[缺少: {name}]")
    assert result.html.count('<span class="script-var missing" data-var="姓名">[缺少: 姓名]</span>') == 2
    assert result.missing == ["姓名", "empty"]


def test_variable_names_in_attributes_are_escaped():
    html = render_content('{{x" onmouseover="y}}', {}).html
    assert 'data-var="x&quot; onmouseover=&quot;y"' in html


def test_variables_in_and_unknown():
    assert variables_in("{{a}} {{ b }} {{a}} {{}} {{c\nd}}") == ["a", "b"]
    assert unknown_variables(["agent_name", "姓名", "城市"], {"姓名"}) == ["城市"]


def test_lead_values_builtins_win_over_imported_columns():
    lead = SimpleNamespace(
        fields={"姓名": "张三", "agent_name": "spoof"}, name="张三", phone_e164="+8613812345678"
    )
    agent = SimpleNamespace(display_name="李四", username="agent1")
    campaign = SimpleNamespace(name="信用卡", client_name="某银行")
    values = lead_values(lead, agent, campaign)
    assert values["agent_name"] == "李四" and values["姓名"] == "张三"
    assert values["phone_masked"] == "+86138****5678"
    assert values["campaign_name"] == "信用卡" and values["client_name"] == "某银行"
    assert mask_phone("12345") == "123**" and mask_phone(None) == ""
