import LLMDash
import LLMDashCLI
LLMDashCommand.run()
