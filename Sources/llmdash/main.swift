import LLMDashCLI

LLMDashCommand.run()
