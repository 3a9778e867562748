"""Project settlement (项目结算): seat hours from agent state intervals and
the contract's seat formula."""
