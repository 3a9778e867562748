"""Project log (项目日志): the manager's daily notes beside the day's figures."""
